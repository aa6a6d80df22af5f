//! The demo account's `media` team (images).

use super::{FunctionSpec, Load, LogStyle, Release};

pub(super) const THUMBNAIL_RESIZER: FunctionSpec = FunctionSpec {
    name: "thumbnail-resizer",
    description: "Creates thumbnails for uploaded images (S3 trigger)",
    runtime: "nodejs22.x",
    arch: "arm64",
    memory_mb: 1536,
    timeout_s: 30,
    team: "media",
    stage: "prod",
    service: "thumbnails",
    env: &[
        ("SOURCE_BUCKET", "acme-uploads-prod"),
        ("THUMB_BUCKET", "acme-thumbnails-prod"),
        ("SIZES", "64,256,1024"),
    ],
    load: Load::PerMinute(30.0),
    duration_ms: 640.0,
    error_rate: 0.006,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: Some(50),
    log_group: None,
    info: &[
        "Resizing s3://acme-uploads-prod/u/{id}.jpg ({n} KB)",
        "Wrote 3 thumbnails in {ms} ms",
    ],
    errors: &[("Error", "Input buffer contains unsupported image format")],
};

pub(super) const IMAGE_MODERATION: FunctionSpec = FunctionSpec {
    name: "image-moderation",
    description: "Flags uploaded images with Rekognition",
    runtime: "python3.12",
    arch: "x86_64",
    memory_mb: 3008,
    timeout_s: 30,
    team: "media",
    stage: "prod",
    service: "moderation",
    env: &[
        ("MIN_CONFIDENCE", "80"),
        ("QUARANTINE_BUCKET", "acme-quarantine"),
    ],
    load: Load::PerMinute(5.0),
    duration_ms: 1_100.0,
    error_rate: 0.01,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Moderation labels for u/{id}.jpg: none",
        "Rekognition call took {ms} ms",
    ],
    errors: &[(
        "botocore.errorfactory.InvalidImageFormatException",
        "Request has invalid image format",
    )],
};
