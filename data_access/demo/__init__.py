"""The demo district: synthetic but realistic registers over the real division codes of Gongshu."""
