"""The health-code services page (健康码服务): the appeals queue and case, walk-in registration, oversight."""
