"""Request and response models of /v1 resources, with their OpenAPI examples, apart from the routes."""
