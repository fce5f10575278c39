"""Privacy (AVG/GDPR): retention, access requests and erasure requests."""
