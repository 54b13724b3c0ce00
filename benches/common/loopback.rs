//! The loopback server both call benchmarks measure against: every request
//! is answered with the relink 200, on 127.0.0.1.

use std::convert::Infallible;
use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// The relink success body the server sends.
pub const RESPONSE: &str = r#"{"status":"success","data":{"link":"https://connect.kombo.dev/v1?token=embedded_0123456789abcdef"}}"#;

/// Starts the server on the current tokio runtime; returns its address.
pub async fn relink_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |request: hyper::Request<hyper::body::Incoming>| async move {
                        let _ = request.into_body().collect().await;
                        let mut response = hyper::Response::new(Full::new(Bytes::from_static(
                            RESPONSE.as_bytes(),
                        )));
                        response
                            .headers_mut()
                            .insert("content-type", "application/json".parse().unwrap());
                        Ok::<_, Infallible>(response)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    address
}

/// The integration every bench relinks.
pub const ID: &str = "personio:93fCvorjZ2jas7ZekX1V1n5d";

/// One relink call through `kombo`: the link it returns.
pub async fn relink(kombo: &kombo::Kombo) -> String {
    kombo
        .general()
        .create_reconnection_link()
        .integration_id(ID)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .link
}
