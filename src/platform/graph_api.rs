//! The WhatsApp Cloud API client: `POST {WA_API_BASE}/{WA_PHONE_ID}/messages`.

use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::config::WhatsApp;
use crate::domain::whatsapp::{classify_response, Outbound, SendOutcome};

pub async fn send(wa: &WhatsApp, token: &str, message: &Outbound) -> SendOutcome {
    let url = format!("{}/{}/messages", wa.api_base, wa.phone_id);
    let attempt = async {
        let headers = Headers::new();
        headers.set("authorization", &format!("Bearer {token}"))?;
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post).with_headers(headers).with_body(Some(message.payload().to_string().into()));
        let request = Request::new_with_init(&url, &init)?;
        let mut response = Fetch::Request(request).send().await?;
        let status = response.status_code();
        let body = response.text().await.unwrap_or_default();
        Ok::<_, worker::Error>((status, body))
    };
    match attempt.await {
        Ok((status, body)) => classify_response(status, &body),
        Err(e) => SendOutcome::Transient(format!("network: {e}")),
    }
}
