"""The health-code services module (健康码服务): appeals and their review (intake kind, queue, case,
tiers, conversion, oversight), and later the proxy applications."""
