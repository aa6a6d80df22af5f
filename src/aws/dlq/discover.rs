//! Discovery: where each function sends its failures, merged per queue, with depths.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Clients {
    /// Where one named function sends its failures: DeadLetterConfig, EventInvokeConfig on-failure,
    /// event source mappings' on-failure, and the redrive policies of its SQS sources. Three Lambda
    /// calls: for `--function NAME` (one function), cheaper than the pages of the whole account.
    async fn function_dlqs(
        &self,
        function: &str,
    ) -> (Vec<DlqCandidate>, ScannedFunction, Vec<String>) {
        let mut found = Vec::new();
        let mut errors = Vec::new();
        let mut event_invoke_config = false;
        let candidate = |arn: &str, kind, source: Option<&str>| DlqCandidate {
            target_arn: arn.to_string(),
            kind,
            function: function.to_string(),
            source_queue_arn: source.map(ToString::to_string),
        };
        let (cfg, invoke, mappings) = tokio::join!(
            self.lambda
                .get_function_configuration()
                .function_name(function)
                .send(),
            self.lambda
                .get_function_event_invoke_config()
                .function_name(function)
                .send(),
            self.list_mappings(function),
        );
        let mut last_modified = None;
        match cfg {
            Ok(cfg) => {
                last_modified = cfg
                    .last_modified()
                    .and_then(crate::aws::lambda::parse_last_modified);
                if let Some(arn) = cfg
                    .dead_letter_config()
                    .and_then(|d| d.target_arn())
                    .filter(|a| !a.is_empty())
                {
                    found.push(candidate(arn, DlqKind::AsyncDeadLetterConfig, None));
                }
            }
            Err(e) => {
                errors.push(classify(&e, "GetFunctionConfiguration", &self.profile).to_string());
            }
        }
        match invoke {
            Ok(out) => {
                event_invoke_config = true;
                if let Some(arn) = out
                    .destination_config()
                    .and_then(|d| d.on_failure())
                    .and_then(|f| f.destination())
                {
                    found.push(candidate(arn, DlqKind::AsyncOnFailureDestination, None));
                }
            }
            Err(e) => {
                let err = classify(&e, "GetFunctionEventInvokeConfig", &self.profile);
                if !err.is_not_found() {
                    errors.push(err.to_string());
                }
            }
        }
        match mappings {
            Ok(mappings) => {
                for (source, on_failure) in mappings {
                    if let Some(arn) = on_failure {
                        found.push(candidate(&arn, DlqKind::EventSourceOnFailure, None));
                    }
                    if parse_sqs_arn(&source).is_none() {
                        continue;
                    }
                    match self.redrive_target_of(&source).await {
                        Ok(Some(dlq)) => found.push(candidate(
                            &dlq,
                            DlqKind::SourceQueueRedrivePolicy,
                            Some(&source),
                        )),
                        Ok(None) => {}
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
        let scanned = ScannedFunction {
            name: function.to_string(),
            event_invoke_config,
            complete: errors.is_empty(),
            last_modified,
        };
        (found, scanned, errors)
    }

    /// (event source ARN, on-failure destination ARN) of each mapping of a function.
    async fn list_mappings(
        &self,
        function: &str,
    ) -> Result<Vec<(String, Option<String>)>, AwsError> {
        let mut out = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .lambda
                .list_event_source_mappings()
                .function_name(function)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| classify(&e, "ListEventSourceMappings", &self.profile))?;
            for m in page.event_source_mappings() {
                out.push((
                    m.event_source_arn().unwrap_or_default().to_string(),
                    m.destination_config()
                        .and_then(|d| d.on_failure())
                        .and_then(|f| f.destination())
                        .filter(|d| !d.is_empty())
                        .map(ToString::to_string),
                ));
            }
            marker = page.next_marker().map(ToString::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The `deadLetterTargetArn` of a queue's redrive policy, if it has one.
    pub(super) async fn redrive_target_of(
        &self,
        queue_arn: &str,
    ) -> Result<Option<String>, AwsError> {
        let url = self.queue_url_of_arn(queue_arn).await?;
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueAttributes"))?;
        Ok(out
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::RedrivePolicy))
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .and_then(|p| {
                p.get("deadLetterTargetArn")
                    .and_then(|v| v.as_str())
                    .map(ToString::to_string)
            }))
    }

    /// `AWS/SQS ApproximateAgeOfOldestMessage` (Maximum, the last datapoint in 15 minutes) of every
    /// non-empty queue, in one GetMetricData (500 queues a request). Sets `oldest_age_s` or says why
    /// there is none (`age_unavailable`): empty, SNS, no datapoint (an idle queue, or an emulator
    /// without SQS metrics), or the CloudWatch error.
    pub async fn fill_ages(&self, dlqs: &mut [Dlq]) {
        use aws_sdk_cloudwatch::types::MetricDataQuery;
        let mut asked: Vec<usize> = Vec::new();
        for (i, d) in dlqs.iter_mut().enumerate() {
            let reason = if !d.inspectable {
                Some(AgeUnavailable::NotInspectable)
            } else if d.queue_url.is_none() {
                Some(AgeUnavailable::QueueUnreadable)
            } else if d.depth() == 0 {
                Some(AgeUnavailable::Empty)
            } else {
                asked.push(i);
                None
            };
            if let Some(reason) = reason {
                d.oldest_age_s = None;
                d.age_source = None;
                d.age_unavailable = Some(reason);
            }
        }
        let now = std::time::SystemTime::now();
        for chunk in asked.chunks(500) {
            let queries: Vec<MetricDataQuery> =
                chunk.iter().map(|&i| age_query(i, &dlqs[i].name)).collect();
            let (latest, failed) = self.latest_ages(queries, now).await;
            for &i in chunk {
                let d = &mut dlqs[i];
                match (&failed, latest.get(&format!("q{i}"))) {
                    (_, Some((_, v))) => {
                        d.oldest_age_s = Some(v.max(0.0) as u64);
                        d.age_source = Some(AgeSource::CloudWatch);
                        d.age_unavailable = None;
                    }
                    (Some(e), None) => {
                        d.oldest_age_s = None;
                        d.age_source = None;
                        d.age_unavailable = Some(AgeUnavailable::CloudWatchFailed(e.clone()));
                    }
                    (None, None) => {
                        d.oldest_age_s = None;
                        d.age_source = None;
                        d.age_unavailable = Some(AgeUnavailable::NoDatapoint);
                    }
                }
            }
        }
    }

    /// The latest `ApproximateAgeOfOldestMessage` of each query id in the 15 minutes before `now`
    /// (every page), and the CloudWatch error if a page failed.
    async fn latest_ages(
        &self,
        queries: Vec<aws_sdk_cloudwatch::types::MetricDataQuery>,
        now: std::time::SystemTime,
    ) -> (HashMap<String, (i64, f64)>, Option<String>) {
        let mut latest: HashMap<String, (i64, f64)> = HashMap::new();
        let mut token: Option<String> = None;
        let mut failed = None;
        loop {
            let out = self
                .cloudwatch
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time((now - Duration::from_mins(15)).into())
                .end_time(now.into())
                .set_next_token(token.take())
                .send()
                .await;
            match out {
                Ok(out) => {
                    for r in out.metric_data_results() {
                        let Some(id) = r.id() else { continue };
                        for (t, v) in r.timestamps().iter().zip(r.values()) {
                            let entry = latest.entry(id.to_string()).or_insert((t.secs(), *v));
                            if t.secs() > entry.0 {
                                *entry = (t.secs(), *v);
                            }
                        }
                    }
                    token = out.next_token().map(ToString::to_string);
                    if token.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    failed = Some(classify(&e, "GetMetricData", &self.profile).to_string());
                    break;
                }
            }
        }
        (latest, failed)
    }

    /// Which queues belong to which functions, then their URLs, depths ([`Clients::fill_depth`]: one
    /// GetQueueUrl and one GetQueueAttributes a queue) and ages ([`Clients::fill_ages`]).
    ///
    /// `None`: the whole account in O(pages) ([`Clients::scan_topology`] from nothing: ListFunctions,
    /// ListEventSourceMappings, one GetMetricData per 500 functions, GetFunctionEventInvokeConfig for the
    /// functions invoked asynchronously, one redrive policy per source queue). `Some(names)`: those
    /// functions one by one, three Lambda calls each (for one function, cheaper than every page).
    pub async fn discover_dlqs(
        &self,
        functions: Option<&[String]>,
    ) -> Result<DlqDiscovery, AwsError> {
        let Some(names) = functions else {
            let topology = self.scan_topology(ScanInputs::default()).await?;
            return Ok(self.discovery_from(topology).await);
        };
        let per_function: Vec<(Vec<DlqCandidate>, ScannedFunction, Vec<String>)> =
            // Owned names: a closure over `&String` makes this future unprovably `Send` (the TUI spawns it).
            futures::stream::iter(names.iter().cloned())
                .map(|f| async move { self.function_dlqs(&f).await })
                .buffered(8)
                .collect()
                .await;
        let mut candidates = Vec::new();
        let mut scanned = Vec::new();
        let mut partial_errors = Vec::new();
        for (c, f, e) in per_function {
            candidates.extend(c);
            scanned.push(f);
            partial_errors.extend(e);
        }
        let (dlqs, errors) = self.fill_queues(merge_candidates(&candidates)).await;
        partial_errors.extend(errors);
        Ok(DlqDiscovery {
            dlqs,
            partial_errors,
            scanned,
            ..DlqDiscovery::default()
        })
    }

    /// The queues of a topology with their URLs, depths and ages (SQS and CloudWatch only: no Lambda
    /// call). `topology_at` is the scan's start.
    pub async fn discovery_from(&self, topology: Topology) -> DlqDiscovery {
        let (dlqs, errors) = self
            .fill_queues(merge_candidates(&topology.candidates()))
            .await;
        let mut partial_errors = topology.errors.clone();
        partial_errors.extend(errors);
        DlqDiscovery {
            dlqs,
            partial_errors,
            scanned: topology.scanned(),
            topology_at: Some(topology.scanned_at),
            topology: Some(std::sync::Arc::new(topology)),
            from_cache: false,
        }
    }

    /// URLs and depths of merged queues (8 at a time), then their ages; the queues that could not be
    /// read are left out and named.
    async fn fill_queues(&self, merged: Vec<Dlq>) -> (Vec<Dlq>, Vec<String>) {
        let filled: Vec<Result<Dlq, String>> = futures::stream::iter(merged)
            .map(|d| self.fill_depth(d))
            .buffered(8)
            .collect()
            .await;
        let mut dlqs = Vec::new();
        let mut errors = Vec::new();
        for r in filled {
            match r {
                Ok(d) => dlqs.push(d),
                Err(e) => errors.push(e),
            }
        }
        self.fill_ages(&mut dlqs).await;
        (dlqs, errors)
    }

    /// Re-reads the depth of known queues (one GetQueueAttributes each, 8 at a time) and their ages
    /// ([`Clients::fill_ages`]: one GetMetricData): the cheap half of discovery. A queue that cannot be
    /// read keeps its last depth and is named in the returned errors; `Err` when none could be read.
    pub async fn refresh_dlq_depths(&self, dlqs: &mut [Dlq]) -> Result<Vec<String>, AwsError> {
        let urls: Vec<(usize, String)> = dlqs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.inspectable)
            .filter_map(|(i, d)| Some((i, d.queue_url.clone()?)))
            .collect();
        let depths: Vec<(usize, Result<QueueDepth, AwsError>)> = futures::stream::iter(urls)
            .map(|(i, url)| async move { (i, self.queue_depth(&url).await) })
            .buffered(8)
            .collect()
            .await;
        let mut errors = Vec::new();
        let mut first_error = None;
        let read = depths.iter().filter(|(_, r)| r.is_ok()).count();
        for (i, r) in depths {
            match r {
                Ok(depth) => {
                    let d = &mut dlqs[i];
                    d.visible = depth.visible;
                    d.in_flight = depth.in_flight;
                    d.delayed = depth.delayed;
                }
                Err(e) => {
                    errors.push(format!("{}: {e}", dlqs[i].name));
                    first_error.get_or_insert(e);
                }
            }
        }
        if read == 0
            && let Some(e) = first_error
        {
            return Err(e);
        }
        self.fill_ages(dlqs).await;
        Ok(errors)
    }

    /// Resolves a discovered queue's URL and reads its depth; SNS topics are returned as they are.
    async fn fill_depth(&self, mut dlq: Dlq) -> Result<Dlq, String> {
        if !dlq.inspectable {
            return Ok(dlq);
        }
        let url = self
            .queue_url_of_arn(&dlq.queue_arn)
            .await
            .map_err(|e| format!("{}: {e}", dlq.name))?;
        let (queue, depth) = self
            .queue_info(&url)
            .await
            .map_err(|e| format!("{}: {e}", dlq.name))?;
        dlq.queue_url = Some(url);
        dlq.fifo = queue.fifo;
        dlq.visible = depth.visible;
        dlq.in_flight = depth.in_flight;
        dlq.delayed = depth.delayed;
        Ok(dlq)
    }

    /// Describes one queue as a DLQ, whoever points at it: the discovered entry when a function does,
    /// else a plain entry (its kinds: a source-queue DLQ when some queue's redrive policy targets it).
    pub async fn describe_dlq(
        &self,
        queue: &QueueRef,
        discovered: Option<&DlqDiscovery>,
        sources: &[QueueRef],
    ) -> Result<Dlq, AwsError> {
        if let Some(d) = discovered.and_then(|d| d.dlqs.iter().find(|d| d.queue_arn == queue.arn)) {
            let mut d = d.clone();
            if d.source_queue_arn.is_none()
                && let [one] = sources
            {
                d.source_queue_arn = Some(one.arn.clone());
                if !d.kinds.contains(&DlqKind::SourceQueueRedrivePolicy) {
                    d.kinds.push(DlqKind::SourceQueueRedrivePolicy);
                }
            }
            return Ok(d);
        }
        let depth = self.queue_depth(&queue.url).await?;
        let kinds = if sources.is_empty() {
            Vec::new()
        } else {
            vec![DlqKind::SourceQueueRedrivePolicy]
        };
        Ok(Dlq {
            queue_url: Some(queue.url.clone()),
            queue_arn: queue.arn.clone(),
            name: queue.name.clone(),
            kind: kinds
                .first()
                .copied()
                .unwrap_or(DlqKind::SourceQueueRedrivePolicy),
            kinds,
            functions: Vec::new(),
            source_queue_arn: sources.first().map(|q| q.arn.clone()),
            inspectable: true,
            fifo: queue.fifo,
            visible: depth.visible,
            in_flight: depth.in_flight,
            delayed: depth.delayed,
            oldest_age_s: None,
            age_source: None,
            age_unavailable: None,
        })
    }
}

/// The query for one queue's oldest message age (Maximum a minute), id `q{index}`.
fn age_query(index: usize, queue: &str) -> aws_sdk_cloudwatch::types::MetricDataQuery {
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
    let metric = Metric::builder()
        .namespace("AWS/SQS")
        .metric_name("ApproximateAgeOfOldestMessage")
        .dimensions(Dimension::builder().name("QueueName").value(queue).build())
        .build();
    MetricDataQuery::builder()
        .id(format!("q{index}"))
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(60)
                .stat("Maximum")
                .build(),
        )
        .return_data(true)
        .build()
}
