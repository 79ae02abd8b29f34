"""Facebook Messenger: a Page's conversations, on the shared channel kit.

``parse`` reads the webhook's events, ``render`` turns replies into Send API bodies and
decides what the 24-hour window allows, ``client`` holds the settings and the Graph API
calls, ``webhook`` the signed ``/messenger/webhook`` edge. See docs/messenger.md.
"""
