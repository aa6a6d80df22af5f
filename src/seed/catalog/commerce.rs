//! The demo account's `commerce` team (orders, carts, search).

use super::{FunctionSpec, Load, LogStyle, Release};

const PY_DB: &[(&str, &str)] = &[
    ("TABLE_NAME", "orders-prod"),
    (
        "DB_HOST",
        "orders.cluster-c8xk2mq1zv3f.eu-west-1.rds.amazonaws.com",
    ),
    ("DB_USER", "orders_app"),
    ("DB_PASSWORD", "pr0d-Xk8#vQ2!mZ7w"),
    ("POWERTOOLS_SERVICE_NAME", "orders"),
    ("LOG_LEVEL", "INFO"),
];

pub(super) const ORDERS_API: FunctionSpec = FunctionSpec {
    name: "orders-api",
    description: "REST API for orders (API Gateway proxy)",
    runtime: "python3.12",
    arch: "arm64",
    memory_mb: 512,
    timeout_s: 15,
    team: "commerce",
    stage: "prod",
    service: "orders",
    env: PY_DB,
    load: Load::PerMinute(42.0),
    duration_ms: 38.0,
    error_rate: 0.004,
    timeout_share: 0.0,
    style: LogStyle::Powertools,
    release: Release::Live(3),
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "GET /orders/ord_{id} 200",
        "Fetched order ord_{id} from DynamoDB in {ms} ms",
        "POST /orders 201 (items={n})",
    ],
    errors: &[
        ("KeyError", "'customer_id'"),
        (
            "botocore.exceptions.ClientError",
            "An error occurred (ProvisionedThroughputExceededException) when calling the Query operation",
        ),
    ],
};

pub(super) const ORDER_PROCESSOR: FunctionSpec = FunctionSpec {
    name: "order-processor",
    description: "Consumes order-processor-queue and fulfils orders",
    runtime: "python3.12",
    arch: "x86_64",
    memory_mb: 1024,
    timeout_s: 60,
    team: "commerce",
    stage: "prod",
    service: "order-processor",
    env: &[
        ("TABLE_NAME", "orders-prod"),
        ("INVENTORY_URL", "https://inventory.internal.acme.io/v2"),
        ("POWERTOOLS_SERVICE_NAME", "order-processor"),
    ],
    load: Load::PerMinute(12.0),
    duration_ms: 420.0,
    error_rate: 0.03,
    timeout_share: 0.0,
    style: LogStyle::Powertools,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Processing batch of {n} messages",
        "Order ord_{id} reserved stock and queued for shipping",
        "Partial batch response: 0 failures",
    ],
    errors: &[
        ("ValueError", "Order total '12,50' is not a decimal"),
        (
            "InventoryUnavailable",
            "SKU SKU-{n} out of stock in every warehouse",
        ),
    ],
};

pub(super) const SEARCH_INDEXER: FunctionSpec = FunctionSpec {
    name: "search-indexer",
    description: "Indexes catalogue changes into OpenSearch",
    runtime: "python3.13",
    arch: "arm64",
    memory_mb: 2048,
    timeout_s: 120,
    team: "commerce",
    stage: "prod",
    service: "search",
    env: &[(
        "OPENSEARCH_ENDPOINT",
        "https://search-catalog-x7k2.eu-west-1.es.amazonaws.com",
    )],
    load: Load::PerMinute(4.0),
    duration_ms: 1_900.0,
    error_rate: 0.01,
    timeout_share: 0.0,
    style: LogStyle::Powertools,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Indexed {n} documents into catalog-v7",
        "Bulk request took {ms} ms",
    ],
    errors: &[(
        "opensearchpy.exceptions.ConnectionTimeout",
        "ConnectionTimeout caused by - ReadTimeoutError(HTTPSConnectionPool)",
    )],
};

pub(super) const CART_SERVICE: FunctionSpec = FunctionSpec {
    name: "cart-service",
    description: "Shopping cart API",
    runtime: "nodejs22.x",
    arch: "arm64",
    memory_mb: 512,
    timeout_s: 6,
    team: "commerce",
    stage: "prod",
    service: "cart",
    env: &[
        ("CART_TABLE", "carts-prod"),
        (
            "REDIS_URL",
            "rediss://:r3d1s-s3cret@cart-cache.internal:6379",
        ),
    ],
    load: Load::PerMinute(36.0),
    duration_ms: 22.0,
    error_rate: 0.003,
    timeout_share: 0.0,
    style: LogStyle::Powertools,
    release: Release::Live(2),
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "PUT /carts/crt_{id}/items 200",
        "Cart crt_{id} has {n} items",
    ],
    errors: &[(
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )],
};
