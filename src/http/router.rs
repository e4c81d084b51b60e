//! Every route of the service, in one place. Each arm carries a comment
//! `// METHOD /path — what it is`; a test checks the OpenAPI document
//! describes every one of them.

use worker::{Method, Request, Response};

use super::{accounts, bills, health, inbox, media, messages, orders, participants, products, profile, trips};
use crate::ctx::Ctx;
use crate::domain::order::Action;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::service::profile::ProfileImage;
use crate::web::respond;
use crate::whatsapp::webhook;

const OPENAPI: &str = include_str!("openapi.json");

/// The served document: the templates a broadcast and an estimate may
/// name are this deployment's (`WA_BROADCAST_TEMPLATES`, `WA_TEMPLATE_*`),
/// so the document says exactly what the code accepts.
fn openapi(wa: &crate::config::WhatsApp) -> String {
    let list = |names: &[String]| serde_json::to_string(names).unwrap_or_else(|_| "[]".into());
    let broadcast = list(&wa.broadcast_templates);
    let broadcast = match broadcast.as_str() {
        "[]" => "null".to_string(),
        l => format!("{}, null", &l[1..l.len() - 1]),
    };
    OPENAPI
        .replace(r#""__BROADCAST_TEMPLATES__", null"#, &broadcast)
        .replace(r#"["__KNOWN_TEMPLATES__"]"#, &list(&wa.known_templates()))
}

/// 405 with the `Allow` header RFC 9110 asks for.
fn not_allowed(allow: &'static str) -> ApiResult<Response> {
    Err(ApiError::method_not_allowed().allowing(allow))
}

/// `/api/…` and `/media/…` (`crate::router` sends only those here).
pub async fn route(ctx: &Ctx, req: &mut Request, method: Method) -> ApiResult<Response> {
    let path = req.path();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    use Method::*;
    match segments.as_slice() {
        // GET /api/health — ok after a real D1 query
        ["api", "health"] => match method {
            Get => health::get(ctx).await,
            _ => not_allowed("GET"),
        },
        // GET /api/openapi.json — this API, described
        ["api", "openapi.json"] => match method {
            Get => respond::header(
                respond::raw(&openapi(&ctx.config.wa), "application/json", "public, max-age=300")?,
                "x-content-type-options",
                "nosniff",
            ),
            _ => not_allowed("GET"),
        },
        // POST /api/auth/register — create an account, signed in
        ["api", "auth", "register"] => match method {
            Post => accounts::register(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/auth/login — access token + refresh cookie
        ["api", "auth", "login"] => match method {
            Post => accounts::login(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/auth/refresh — rotate the refresh cookie, new access token
        ["api", "auth", "refresh"] => match method {
            Post => accounts::refresh(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // GET|POST /api/auth/logout — revoke the session
        ["api", "auth", "logout"] => match method {
            Get | Post => accounts::logout(ctx, req).await,
            _ => not_allowed("GET, POST"),
        },
        // POST /api/auth/logout-everywhere — end every session of the account
        ["api", "auth", "logout-everywhere"] => match method {
            Post => accounts::logout_everywhere(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/auth/password — change the password (every other session ends)
        ["api", "auth", "password"] => match method {
            Post => accounts::change_password(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/auth/password-reset — a one-time code to the account's WhatsApp
        ["api", "auth", "password-reset"] => match method {
            Post => accounts::request_reset(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/auth/password-reset/confirm — a new password with the code
        ["api", "auth", "password-reset", "confirm"] => match method {
            Post => accounts::reset_password(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // GET|PATCH /api/profile/me — the signed-in jastiper's account
        ["api", "profile", "me"] => match method {
            Get => profile::me(ctx, req).await,
            Patch => profile::update_me(ctx, req).await,
            _ => not_allowed("GET, PATCH"),
        },
        // POST /api/profile/me/avatar — upload the avatar (multipart image)
        ["api", "profile", "me", "avatar"] => match method {
            Post => profile::upload_image(ctx, req, ProfileImage::Avatar).await,
            _ => not_allowed("POST"),
        },
        // POST /api/profile/me/cover — upload the cover image (multipart image)
        ["api", "profile", "me", "cover"] => match method {
            Post => profile::upload_image(ctx, req, ProfileImage::Cover).await,
            _ => not_allowed("POST"),
        },
        // POST /api/profile/me/qris — upload the QRIS image buyers pay with (multipart image)
        ["api", "profile", "me", "qris"] => match method {
            Post => profile::upload_image(ctx, req, ProfileImage::Qris).await,
            _ => not_allowed("POST"),
        },
        // POST /api/profile/me/whatsapp — a connect code for her WhatsApp number (10 minutes)
        ["api", "profile", "me", "whatsapp"] => match method {
            Post => profile::new_connect_code(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // POST /api/profile/me/whatsapp/undo — reconnect the number the last connection replaced
        ["api", "profile", "me", "whatsapp", "undo"] => match method {
            Post => profile::undo_number_change(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // GET /api/profile/{slug} — a public profile
        ["api", "profile", slug] => match method {
            Get => profile::public(ctx, slug).await,
            _ => not_allowed("GET"),
        },
        // GET|POST /api/trips — the caller's trips; open a trip
        ["api", "trips"] => match method {
            Get => trips::list(ctx, req).await,
            Post => trips::create(ctx, req).await,
            _ => not_allowed("GET, POST"),
        },
        // GET|PATCH|DELETE /api/trips/{tripId} — one of the caller's trips
        ["api", "trips", id] => match method {
            Get => trips::get(ctx, req, id).await,
            Patch => trips::update(ctx, req, id).await,
            Delete => trips::delete(ctx, req, id).await,
            _ => not_allowed("GET, PATCH, DELETE"),
        },
        // GET|POST /api/trips/{tripId}/products — public list; add a product (owner)
        ["api", "trips", id, "products"] => match method {
            Get => products::list_public(ctx, req, id).await,
            Post => products::create(ctx, req, id).await,
            _ => not_allowed("GET, POST"),
        },
        // GET /api/trips/{tripId}/bills — the trip's bills, one per penitip, with their lines (owner)
        ["api", "trips", id, "bills"] => match method {
            Get => bills::list_for_trip(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // GET|PATCH /api/bills/{billId} — one bill; its shipping (its token, or the owner)
        ["api", "bills", id] => match method {
            Get => bills::get(ctx, req, id).await,
            Patch => bills::update(ctx, req, id).await,
            _ => not_allowed("GET, PATCH"),
        },
        // POST /api/bills/{billId}/ship — a lunas bill shipped with its courier and resi (owner)
        ["api", "bills", id, "ship"] => match method {
            Post => bills::ship(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // POST /api/bills/{billId}/payments — a transfer proof with its amount (the bill's token, or the owner)
        ["api", "bills", id, "payments"] => match method {
            Post => bills::pay(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // POST /api/trips/{tripId}/arrived — the goods arrived: every penitip still owing is told (owner)
        ["api", "trips", id, "arrived"] => match method {
            Post => trips::arrived(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/trips/{tripId}/bills.csv — every bill line, for Excel (owner)
        ["api", "trips", id, "bills.csv"] => match method {
            Get => bills::csv_for_trip(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // GET /api/trips/{tripId}/shopping-list — what to buy, by product, for whom (owner)
        ["api", "trips", id, "shopping-list"] => match method {
            Get => bills::shopping_list(ctx, req, id, false).await,
            _ => not_allowed("GET"),
        },
        // GET /api/trips/{tripId}/shopping-list.csv — the same, for Excel (owner)
        ["api", "trips", id, "shopping-list.csv"] => match method {
            Get => bills::shopping_list(ctx, req, id, true).await,
            _ => not_allowed("GET"),
        },
        // GET /api/trips/{tripId}/payments — the trip's payments, ?status=pending (owner)
        ["api", "trips", id, "payments"] => match method {
            Get => bills::list_for_trip_payments(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // POST /api/payments/{paymentId}/confirm — confirmed with the amount received (owner)
        ["api", "payments", id, "confirm"] => match method {
            Post => bills::confirm_payment(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // POST /api/payments/{paymentId}/reject — rejected with a reason (owner)
        ["api", "payments", id, "reject"] => match method {
            Post => bills::reject_payment(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // POST /api/payments/{paymentId}/undo — a recent rejection taken back (owner)
        ["api", "payments", id, "undo"] => match method {
            Post => bills::undo_payment(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/payments/{paymentId}/proof — the transfer proof (owner)
        ["api", "payments", id, "proof"] => match method {
            Get => bills::payment_proof(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // POST /api/bills/{billId}/cancel — cancel a bill and release its stock (owner)
        ["api", "bills", id, "cancel"] => match method {
            Post => bills::cancel(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // POST /api/trips/{tripId}/join — join a trip (public)
        ["api", "trips", id, "join"] => match method {
            Post => participants::join(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/trips/{tripId}/participants — who joined, with their orders (owner)
        ["api", "trips", id, "participants"] => match method {
            Get => participants::list(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // POST /api/trips/{tripId}/broadcast — a message to every subscribed participant (owner)
        ["api", "trips", id, "broadcast"] => match method {
            Post => messages::broadcast(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/trips/{tripId}/broadcast/estimate — what a broadcast would cost (owner)
        ["api", "trips", id, "broadcast", "estimate"] => match method {
            Get => messages::estimate_cost(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // GET /api/trips/{tripId}/messages — the trip's WhatsApp outbox (owner)
        ["api", "trips", id, "messages"] => match method {
            Get => messages::list(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // POST /api/messages/{messageId}/resend — re-send a failed message (owner)
        ["api", "messages", id, "resend"] => match method {
            Post => messages::resend(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/inbox — her conversations with penitip, latest first (signed in)
        ["api", "inbox"] => match method {
            Get => inbox::list(ctx, req).await,
            _ => not_allowed("GET"),
        },
        // GET /api/inbox/{threadId} — one conversation, marked read (owner)
        ["api", "inbox", id] => match method {
            Get => inbox::show(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // POST /api/inbox/{threadId}/reply — her answer, free-form inside the 24-hour window (owner)
        ["api", "inbox", id, "reply"] => match method {
            Post => inbox::reply(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET|POST /api/webhooks/whatsapp — Meta's verification; signed deliveries
        ["api", "webhooks", "whatsapp"] => match method {
            Get => webhook::verify(ctx, req),
            Post => webhook::receive(ctx, req).await,
            _ => not_allowed("GET, POST"),
        },
        // PATCH|DELETE /api/products/{productId} — change or delete a product (owner)
        ["api", "products", id] => match method {
            Patch => products::update(ctx, req, id).await,
            Delete => products::delete(ctx, req, id).await,
            _ => not_allowed("PATCH, DELETE"),
        },
        // PATCH /api/participants/{participantId}/unsubscribe — stop messages (owner or signed link)
        ["api", "participants", id, "unsubscribe"] => match method {
            Patch => participants::unsubscribe(ctx, req, id).await,
            _ => not_allowed("PATCH"),
        },
        // POST /api/orders — place an order (public form, or the owner for a participant)
        ["api", "orders"] => match method {
            Post => orders::create(ctx, req).await,
            _ => not_allowed("POST"),
        },
        // GET /api/orders/{tripId} — a trip's orders (owner)
        ["api", "orders", trip_id] => match method {
            Get => orders::list_for_trip(ctx, req, trip_id).await,
            _ => not_allowed("GET"),
        },
        // PATCH /api/orders/{orderId}/confirm — pending → confirmed (owner)
        ["api", "orders", id, "confirm"] => match method {
            Patch => orders::transition(ctx, req, id, Action::Confirm).await,
            _ => not_allowed("PATCH"),
        },
        // PATCH /api/orders/{orderId}/reject — pending → rejected, releases stock (owner)
        ["api", "orders", id, "reject"] => match method {
            Patch => orders::transition(ctx, req, id, Action::Reject).await,
            _ => not_allowed("PATCH"),
        },
        // PATCH /api/orders/{orderId}/ship — confirmed → shipped (owner)
        ["api", "orders", id, "ship"] => match method {
            Patch => orders::transition(ctx, req, id, Action::Ship).await,
            _ => not_allowed("PATCH"),
        },
        // POST /api/orders/{orderId}/found — fewer units found in the shop, or none (owner)
        ["api", "orders", id, "found"] => match method {
            Post => orders::found(ctx, req, id).await,
            _ => not_allowed("POST"),
        },
        // GET /api/orders/{orderId}/status — the penitip's view (order token)
        ["api", "orders", id, "status"] => match method {
            Get => orders::status(ctx, req, id).await,
            _ => not_allowed("GET"),
        },
        // GET|POST /api/orders/{orderId}/proof — payment proof (order token or owner)
        ["api", "orders", id, "proof"] => match method {
            Get => orders::proof(ctx, req, id).await,
            Post => orders::upload_proof(ctx, req, id).await,
            _ => not_allowed("GET, POST"),
        },
        // GET /api/__test/panic — only with ENABLE_TEST_ROUTES=1: a panic becomes a JSON 500
        ["api", "__test", "panic"] if ctx.config.test_routes => {
            panic!("deliberate panic from the test route")
        }
        // POST /api/__test/hash/{digest} — only with ENABLE_TEST_ROUTES=1: one password hash
        ["api", "__test", "hash", digest] if ctx.config.test_routes => health::hash_once(digest),
        ["api", ..] => Err(ApiError::new(ErrorCode::NotFound, "No such API route")),
        // GET /media/{key} — public images from R2
        ["media", rest @ ..] if !rest.is_empty() => match method {
            Get | Head => media::serve_public(ctx, &rest.join("/")).await,
            _ => not_allowed("GET, HEAD"),
        },
        _ => Err(ApiError::not_found("File")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    const ROUTER: &str = include_str!("router.rs");

    /// `(METHODS, /path)` of every `// METHOD /path — …` route comment.
    fn documented_routes() -> Vec<(Vec<String>, String)> {
        ROUTER
            .lines()
            .filter_map(|l| l.trim().strip_prefix("// "))
            .filter_map(|c| {
                let (methods, rest) = c.split_once(' ')?;
                let path = rest.split_whitespace().next()?;
                let methods: Vec<String> = methods.split('|').map(str::to_lowercase).collect();
                // Test-only routes exist only with ENABLE_TEST_ROUTES=1 and are not part of the API.
                let is_route = path.starts_with('/')
                    && !path.starts_with("/api/__test/")
                    && methods.iter().all(|m| ["get", "post", "patch", "delete", "put"].contains(&m.as_str()));
                is_route.then(|| (methods, path.to_string()))
            })
            .collect()
    }

    #[test]
    fn the_served_document_names_this_deployments_templates() {
        let with = |list: Option<&str>| {
            let config = crate::config::Config::from_lookup(|k| match k {
                "WA_BROADCAST_TEMPLATES" => list.map(String::from),
                _ => None,
            });
            let doc: Value = serde_json::from_str(&super::openapi(&config.wa)).expect("the served document is JSON");
            let body = &doc["paths"]["/api/trips/{tripId}/broadcast"]["post"]["requestBody"]["content"]
                ["application/json"]["schema"]["properties"]["template"]["enum"];
            let estimate = doc["paths"]["/api/trips/{tripId}/broadcast/estimate"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "template")
                .unwrap()["schema"]["enum"]
                .clone();
            (body.clone(), estimate)
        };
        let (none, estimate) = with(None);
        assert_eq!(none, serde_json::json!([null]), "no template may be named by default");
        assert!(estimate.as_array().unwrap().contains(&"jastipin_broadcast".into()));
        let (two, estimate) = with(Some("promo_a, promo_b"));
        assert_eq!(two, serde_json::json!(["promo_a", "promo_b", null]));
        assert!(estimate.as_array().unwrap().contains(&"promo_b".into()));
    }

    #[test]
    fn every_match_arm_has_a_route_comment() {
        let lines: Vec<&str> = ROUTER.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            let is_arm = (line.starts_with("[\"api\"") || line.starts_with("[\"media\"")) && line.contains("=>");
            let catch_all = line.starts_with("[\"api\", ..]");
            if is_arm && !catch_all {
                assert!(lines[i - 1].starts_with("// "), "route without a `// METHOD /path` comment: {line}");
            }
        }
    }

    #[test]
    fn openapi_describes_every_route_and_method() {
        let doc: Value = serde_json::from_str(super::OPENAPI).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let routes = documented_routes();
        assert!(routes.len() >= 25, "found {} routes", routes.len());
        for (methods, path) in routes {
            for m in methods {
                assert!(doc["paths"][&path][&m].is_object(), "openapi.json does not describe {m} {path}");
            }
        }
    }

    #[test]
    fn openapi_lists_no_test_only_route() {
        let doc: Value = serde_json::from_str(super::OPENAPI).unwrap();
        assert!(doc["paths"].as_object().unwrap().keys().all(|p| !p.contains("__test")));
    }

    #[test]
    fn openapi_describes_no_route_that_does_not_exist() {
        let doc: Value = serde_json::from_str(super::OPENAPI).unwrap();
        let routes = documented_routes();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    routes.iter().any(|(ms, p)| p == path && ms.contains(method)),
                    "openapi.json describes {method} {path}, which the router does not have"
                );
            }
        }
    }
}
