"""Serializers of the API, split by resource. Input serializers validate shapes only; the
services they feed hold the rules."""
