"""Examples that need pulumi-aws or pulumi-policy: collected only in examples/.venv."""
