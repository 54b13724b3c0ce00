//! `kombo`: mint Kombo reconnection links and check webhooks from the command
//! line. Exit codes: `exit.rs` (and each command's `--help`).

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Parser, Subcommand};
use kombo::general::create_reconnection_link::{Body, Language, LinkType};
use kombo::mock::MockServer;
use kombo::{Error, Kombo, Region, RetryPolicy};

mod exit;

use exit::Exit;

/// The environment and exit codes of `kombo relink` (and of `kombo`).
fn relink_help() -> String {
    format!(
        "Environment:
  KOMBO_API_KEY  API key sent as a bearer token (required unless --mock).
                 There is deliberately no flag for it: keys do not belong in shell history.

{}",
        exit::help(exit::RELINK)
    )
}

#[derive(Parser)]
#[command(name = "kombo", version, about = "Command-line client for the Kombo API", after_help = relink_help())]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a reconnection link for an integration.
    ///
    /// EMBEDDED links (the default) are valid for 1 hour and are opened with the
    /// Kombo Connect SDK; MAGIC_LINK links are valid for 1 year and are sent to a
    /// customer by hand.
    #[command(after_help = relink_help())]
    Relink(RelinkArgs),
    /// Webhooks Kombo sends to your application.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Serve a mock Kombo on 127.0.0.1 until interrupted (Ctrl-C): every
    /// operation of the spec, validated and answered as the spec says, for
    /// tests in other languages and front-end work.
    #[command(after_help = mock_help())]
    Mock(MockArgs),
}

#[derive(clap::Args)]
struct MockArgs {
    /// The port to listen on (0: any free one; the URL is printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the values built from the response schemas (same seed, same answers).
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// How to call the mock, and its exit codes.
fn mock_help() -> String {
    format!(
        "The mock accepts the bearer key {key} (Authorization: Bearer {key}).
Its base URL (http://127.0.0.1:<port>/v1) is printed on the first line of stdout.

{}",
        exit::help(exit::MOCK),
        key = MockServer::API_KEY
    )
}

/// The environment and exit codes of `kombo webhook verify`.
fn webhook_help() -> String {
    format!(
        "Environment:
  KOMBO_WEBHOOK_SECRET  the webhook secret (required; never a flag, never printed).

{}",
        exit::help(exit::WEBHOOK)
    )
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Verify a webhook: the raw body on stdin, the X-Kombo-Signature value as --signature.
    #[command(after_help = webhook_help())]
    Verify {
        /// The value of the X-Kombo-Signature header.
        #[arg(long, value_name = "VALUE")]
        signature: String,
    },
}

#[derive(clap::Args)]
struct RelinkArgs {
    /// The integration to reconnect, e.g. personio:93fCvorjZ2jas7ZekX1V1n5d.
    integration_id: String,
    /// Language of the connection flow UI (the spec's values and default).
    #[arg(long, value_parser = spec_values(Language::VALUES), default_value = body_default(|b| b.language.map(|l| l.to_string()), Language::VALUES))]
    language: Option<String>,
    /// Scope config the integration switches to once reconnected.
    #[arg(long, value_name = "ID")]
    scope_config_id: Option<String>,
    /// Kind of link: embedded (valid 1 hour) or magic-link (valid 1 year); the spec's default.
    #[arg(long, value_parser = spec_values(LinkType::VALUES), default_value = body_default(|b| Some(b.link_type.to_string()), LinkType::VALUES))]
    link_type: Option<String>,
    /// Kombo region (the spec's servers, the first by default). Not with --base-url.
    #[arg(long, value_parser = PossibleValuesParser::new(kombo::Region::names()), default_value = Region::default().to_string(), conflicts_with = "base_url")]
    region: Option<String>,
    /// Custom base URL including /v1, instead of a region, e.g. http://127.0.0.1:8080/v1.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Print the whole response body as JSON instead of the link alone.
    #[arg(long)]
    json: bool,
    /// Run against an embedded mock Kombo server on 127.0.0.1 (no key, no network).
    #[arg(long, conflicts_with_all = ["base_url"])]
    mock: bool,
    /// Attempts for retryable failures (rate limits, 503, refused connections).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    max_attempts: u32,
}

/// A spec enum's values as the CLI spells them: lower case, `-` for `_`
/// (`MAGIC_LINK` → `magic-link`), so a value a spec update adds is accepted
/// and listed by `--help` with no edit here.
fn cli_spelling(value: &str) -> String {
    value.to_ascii_lowercase().replace('_', "-")
}

/// The CLI spelling of a field of the spec's default body (the first value
/// when the spec gives no default).
fn body_default(field: impl Fn(Body) -> Option<String>, values: &[&str]) -> String {
    let value = field(Body::default()).or_else(|| values.first().map(|v| (*v).to_owned()));
    cli_spelling(&value.unwrap_or_default())
}

fn spec_values(values: &'static [&'static str]) -> PossibleValuesParser {
    PossibleValuesParser::new(
        values
            .iter()
            .map(|v| clap::builder::PossibleValue::new(cli_spelling(v))),
    )
}

/// The spec value an option's spelling stands for, parsed into its type.
fn from_cli<T: std::str::FromStr>(values: &[&str], given: &str) -> Result<T, Failure>
where
    T::Err: std::fmt::Display,
{
    let wire = values
        .iter()
        .find(|v| cli_spelling(v) == given)
        .ok_or_else(|| Failure::usage(format!("{given:?} is not one of the spec's values")))?;
    wire.parse()
        .map_err(|e| Failure::usage(format!("{given:?}: {e}")))
}

/// What went wrong, with its exit code.
struct Failure {
    exit: Exit,
    message: String,
}

impl Failure {
    fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }

    fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }
}

/// The library's own message (status, code, message, log URL for an API
/// error), with the exit code of its kind.
impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let exit = match &error {
            Error::Api(_) => Exit::Refused,
            Error::InvalidRequest(_) | Error::Config(_) => Exit::Usage,
            _ => Exit::Transport,
        };
        Failure::new(exit, error.to_string())
    }
}

async fn relink(args: RelinkArgs) -> Result<String, Failure> {
    // Kept alive until the call returns.
    let mut _mock = None;
    let mut builder = Kombo::builder()
        .retry(RetryPolicy::default().max_attempts(args.max_attempts))
        .user_agent(format!("kombo-cli/{}", env!("CARGO_PKG_VERSION")));
    if args.mock {
        let server = MockServer::start().await.map_err(|e| {
            Failure::new(
                Exit::Transport,
                format!("cannot start the mock server: {e}"),
            )
        })?;
        builder = builder
            .api_key(MockServer::API_KEY)
            .base_url(&server.base_url());
        _mock = Some(server);
    } else {
        let key = std::env::var(kombo::API_KEY_ENV).unwrap_or_default();
        if key.trim().is_empty() {
            return Err(Failure::usage(format!(
                "{} is not set (or use --mock to try the CLI without a key)",
                kombo::API_KEY_ENV
            )));
        }
        builder = builder.api_key(key);
        builder = match (&args.base_url, &args.region) {
            (Some(url), _) => builder.region(Region::custom(url).map_err(Failure::from)?),
            (None, Some(region)) => builder.region(region.parse().map_err(Failure::from)?),
            (None, None) => builder,
        };
    }
    let kombo = builder.build()?;
    let mut request = kombo
        .general()
        .create_reconnection_link()
        .integration_id(args.integration_id)
        .scope_config_id(args.scope_config_id);
    if let Some(link_type) = &args.link_type {
        request = request.link_type(from_cli::<LinkType>(LinkType::VALUES, link_type)?);
    }
    if let Some(language) = &args.language {
        request = request.language(from_cli::<Language>(Language::VALUES, language)?);
    }
    let response = request.send().await?.into_inner();
    if args.json {
        serde_json::to_string_pretty(&response)
            .map_err(|e| Failure::new(Exit::Transport, format!("cannot print the response: {e}")))
    } else {
        Ok(response.data.link)
    }
}

/// Serves the mock until Ctrl-C (or SIGTERM); prints its base URL first.
async fn serve_mock(args: MockArgs) -> Result<String, Failure> {
    use std::io::Write;
    let server = MockServer::builder()
        .port(args.port)
        .seed(args.seed)
        .start()
        .await
        .map_err(|e| {
            Failure::new(
                Exit::Transport,
                format!("cannot listen on 127.0.0.1:{}: {e}", args.port),
            )
        })?;
    println!("{}", server.base_url());
    let _ = std::io::stdout().flush();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(|e| Failure::new(Exit::Transport, format!("cannot wait for signals: {e}")))?;
    tokio::select! {
        stopped = tokio::signal::ctrl_c() => {
            stopped.map_err(|e| Failure::new(Exit::Transport, format!("cannot wait for Ctrl-C: {e}")))?;
        }
        _ = terminate.recv() => {}
    }
    Ok(format!("served {} requests", server.requests().len()))
}

/// Environment variable holding the webhook secret.
const WEBHOOK_SECRET_ENV: &str = "KOMBO_WEBHOOK_SECRET";

fn verify_webhook(signature: &str) -> Result<String, Failure> {
    use kombo::webhooks::{RawEvent, WebhookError, WebhookEvent};
    use std::io::Read;
    let secret = std::env::var(WEBHOOK_SECRET_ENV).unwrap_or_default();
    if secret.is_empty() {
        return Err(Failure::usage(format!("{WEBHOOK_SECRET_ENV} is not set")));
    }
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::usage(format!("cannot read the body from stdin: {e}")))?;
    match kombo::webhooks::verify::<RawEvent>(secret.as_bytes(), &body, signature) {
        Ok(event) => Ok(event.event_type().to_owned()),
        Err(WebhookError::MissingSignature) => Err(Failure::usage("--signature is empty")),
        Err(e) => Err(Failure::new(Exit::Refused, e.to_string())),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Transport.into();
        }
    };
    let outcome = match cli.command {
        Command::Relink(args) => runtime.block_on(relink(args)),
        Command::Mock(args) => runtime.block_on(serve_mock(args)),
        Command::Webhook(WebhookCommand::Verify { signature }) => verify_webhook(&signature),
    };
    match outcome {
        Ok(out) => {
            println!("{out}");
            Exit::Success.into()
        }
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            failure.exit.into()
        }
    }
}
