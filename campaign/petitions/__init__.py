"""The machinery every campaign shares: definition, forms, signing, counting, blueprint factory."""
