//! The demo account's `fulfillment` team (inventory, shipping).

use super::{FunctionSpec, Load, LogStyle, Release};

pub(super) const INVENTORY_SYNC: FunctionSpec = FunctionSpec {
    name: "inventory-sync",
    description: "Syncs stock levels from the warehouse system",
    runtime: "java21",
    arch: "x86_64",
    memory_mb: 1024,
    timeout_s: 120,
    team: "fulfillment",
    stage: "prod",
    service: "inventory",
    env: &[
        ("WMS_ENDPOINT", "https://wms.partner.example/api"),
        ("WMS_API_TOKEN", "wms_tok_7Hq2xP9kLz"),
    ],
    load: Load::Every(5),
    duration_ms: 8_400.0,
    error_rate: 0.05,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Synced {n} SKUs from WMS",
        "Batch {id} committed in {ms} ms",
    ],
    errors: &[(
        "java.net.ConnectException",
        "Connection refused: wms.partner.example/203.0.113.10:443",
    )],
};

pub(super) const SHIPPING_QUOTE: FunctionSpec = FunctionSpec {
    name: "shipping-quote",
    description: "Real-time carrier quotes (calls three carriers)",
    runtime: "java21",
    arch: "arm64",
    memory_mb: 768,
    timeout_s: 3,
    team: "fulfillment",
    stage: "prod",
    service: "shipping",
    env: &[
        ("CARRIER_TIMEOUT_MS", "2500"),
        ("DHL_API_KEY", "dhl_live_9f8e7d6c5b"),
    ],
    load: Load::PerMinute(14.0),
    duration_ms: 640.0,
    error_rate: 0.03,
    timeout_share: 0.7,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Quoted {n} options for postcode {id}",
        "Carrier calls finished in {ms} ms",
    ],
    errors: &[(
        "com.acme.shipping.CarrierException",
        "UPS quote API returned 503",
    )],
};
