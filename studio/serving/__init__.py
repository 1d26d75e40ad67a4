"""Serving trained runs: TF Serving's REST formats (signature, request parsing, responses) and export zips.

- :mod:`.signature`: a model's ``serving_default`` signature, status and metadata JSON;
- :mod:`.request`: predict request bodies (row / columnar) → named numpy tensors;
- :mod:`.response`: run the model, shape ``predictions`` / ``outputs``;
- :mod:`.errors`: TF Serving's error codes and ``{"error": ...}`` bodies;
- :mod:`.exports` (+ :mod:`.export_worker`): zipped, verified, cached engine exports.

The HTTP routes live in :mod:`studio.api.serving` and :mod:`studio.api.exports`.
"""
