//! The failing-target warning of `lambdash dlq redrive`, as the DLQ pane gives it: the functions the
//! messages end up in (the re-invoked one, or the consumers of the queue they move to), their error
//! rate over the last 20 minutes and their firing alarms (their queues' too).

use std::time::Duration;

use chrono::Utc;

use crate::aws::Clients;
use crate::domain::alarm::{AlarmState, concerns_function};
use crate::domain::dlq::safety::{failing_now, redrive_warning};
use crate::domain::dlq::{RedrivePath, RedrivePlan};
use crate::domain::metrics::{PercentileSupport, row_series};

/// The warning for `plan` (`Ok(None)`: no target is failing now), or why it could not be checked.
pub(super) async fn failing_target_warning(
    clients: &Clients,
    plan: &RedrivePlan,
) -> Result<Option<String>, String> {
    let (targets, queues) = match &plan.path {
        RedrivePath::Reinvoke { function, .. } => {
            (vec![function.clone()], vec![plan.from.name.clone()])
        }
        RedrivePath::MoveTask { to, .. } | RedrivePath::ManualMove { to } => (
            clients
                .consumers_of(&to.arn)
                .await
                .map_err(|e| e.to_string())?,
            vec![plan.from.name.clone(), to.name.clone()],
        ),
    };
    if targets.is_empty() {
        return Ok(None);
    }
    let series: Vec<_> = targets
        .iter()
        .flat_map(|f| row_series(f).into_iter().take(2))
        .collect();
    let support = PercentileSupport::default();
    let (batch, alarms) = tokio::join!(
        clients.get_metrics(&series, Duration::from_hours(1), 60, Utc::now(), &support,),
        clients.describe_alarms(Some(AlarmState::Alarm)),
    );
    let batch = batch.map_err(|e| e.to_string())?;
    let alarms = alarms.map_err(|e| e.to_string())?;
    let failing: Vec<String> = targets
        .iter()
        .filter_map(|f| {
            let firing: Vec<&str> = alarms
                .iter()
                .filter(|a| a.is_firing() && concerns_function(a, f, &queues))
                .map(|a| a.name.as_str())
                .collect();
            failing_now(f, Some(&batch), &firing)
        })
        .collect();
    Ok(redrive_warning(&failing, plan.count()))
}
