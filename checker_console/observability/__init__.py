"""What operators watch: structured JSON logs (``logs``) and Prometheus metrics (``metrics``)."""
