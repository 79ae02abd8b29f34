"""HueBot application shell: CLI, config, wiring, web server, channels."""
