"""Pure builders of component trees and figures. No I/O, no SQL."""
