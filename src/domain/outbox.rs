//! An outbound message's status. Rows start `queued`; a consumer makes them
//! `sent` (Meta accepted), `simulated` (no access token configured) or
//! `failed`; Meta's status callbacks then move them forward only, in the
//! order of `rank` (a late `sent` never undoes `read`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Queued,
    Sent,
    Delivered,
    Read,
    Failed,
    Simulated,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 6] = [
        OutboxStatus::Queued,
        OutboxStatus::Sent,
        OutboxStatus::Delivered,
        OutboxStatus::Read,
        OutboxStatus::Failed,
        OutboxStatus::Simulated,
    ];

    pub fn parse(s: &str) -> Option<OutboxStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Delivered => "delivered",
            OutboxStatus::Read => "read",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Simulated => "simulated",
        }
    }

    /// How far along a message is; a callback applies only if it ranks higher.
    /// `failed` ranks below `delivered`: a failure reported after delivery is ignored.
    pub fn rank(self) -> u8 {
        match self {
            OutboxStatus::Queued | OutboxStatus::Simulated => 0,
            OutboxStatus::Sent => 1,
            OutboxStatus::Failed => 2,
            OutboxStatus::Delivered => 3,
            OutboxStatus::Read => 4,
        }
    }

    /// The status a Meta status callback (`sent`, `delivered`, `read`,
    /// `played`, `failed`) maps to; `None` for anything else.
    pub fn from_meta(meta_status: &str) -> Option<OutboxStatus> {
        match meta_status {
            "sent" => Some(OutboxStatus::Sent),
            "delivered" => Some(OutboxStatus::Delivered),
            "read" | "played" => Some(OutboxStatus::Read),
            "failed" => Some(OutboxStatus::Failed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutboxStatus::*;

    #[test]
    fn callbacks_only_move_forward() {
        assert!(Sent.rank() > Queued.rank());
        assert!(Read.rank() > Delivered.rank());
        assert!(Delivered.rank() > Failed.rank(), "a failure after delivery is ignored");
        assert!(Failed.rank() > Sent.rank());
        assert_eq!(OutboxStatus::from_meta("played"), Some(Read));
        assert_eq!(OutboxStatus::from_meta("deleted"), None);
    }

    #[test]
    fn round_trips() {
        for s in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }
}
