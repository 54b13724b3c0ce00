//! The plan of one operation's module: every name, type and fact its parts
//! render, resolved once from the model ([`crate::model`]) and the type
//! space. The render functions (`operation.rs`, `pagination.rs`) only
//! render what the plan says; an operation the type space cannot give a
//! type for fails here, naming the operation.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::format_ident;
use serde_json::Value;
use typify::TypeId;

use super::{Ctx, docs};
use crate::error::CodegenError;
use crate::model::{Body, Carrier, Location, Operation, Param, Scoped};
use crate::name::{rust_ident, rust_type_name};
use crate::walk::resolve;

/// Builder fields and methods the generated code itself uses.
const RESERVED: [&str; 10] = [
    "core",
    "options",
    "send",
    "body",
    "pages",
    "stream",
    "with_options",
    "with_timeout",
    "with_retry",
    "with_header",
];

/// A setter of the builder: its name, the type it converts into, its doc.
pub(super) struct Setter {
    pub(super) ident: syn::Ident,
    pub(super) ty: TokenStream,
    pub(super) doc: String,
}

/// A parameter and its setter.
pub(super) struct ParamPlan {
    /// The name on the wire.
    pub(super) wire: String,
    pub(super) location: Location,
    pub(super) required: bool,
    pub(super) setter: Setter,
}

/// How the request body is set and sent.
pub(super) enum BodyPlan {
    None,
    /// Bytes, sent with the operation's media type.
    Raw,
    /// A struct body: a setter per field through its builder.
    Fields {
        ty: TokenStream,
        builder: syn::Ident,
        /// The struct's field each setter sets, and the setter.
        setters: Vec<(syn::Ident, Setter)>,
    },
    /// Any other JSON body: `.body(..)` only.
    Whole {
        ty: TokenStream,
        required: bool,
    },
}

/// `pages()` / `stream()`: the model's cursor pattern, typed.
pub(super) struct PagePlan {
    /// The parameter the cursor is sent back in, as the model names it.
    pub(super) cursor_wire: String,
    /// Its setter.
    pub(super) cursor: syn::Ident,
    /// A page: the 200 response's type.
    pub(super) page_ty: TokenStream,
    /// The fields from a page to its next cursor.
    pub(super) next: Vec<syn::Ident>,
    /// Whether the next cursor is an `Option` (else a string, empty at the end).
    pub(super) next_optional: bool,
    /// The fields from a page to its items.
    pub(super) results: Vec<syn::Ident>,
    pub(super) item_ty: TokenStream,
}

/// One operation, resolved.
pub(super) struct Plan<'o> {
    pub(super) op: &'o Operation,
    pub(super) module: syn::Ident,
    pub(super) tag: String,
    pub(super) params: Vec<ParamPlan>,
    pub(super) body: BodyPlan,
    /// The 2xx response's type.
    pub(super) response: Option<(TypeId, TokenStream)>,
    pub(super) pages: Option<PagePlan>,
    /// Short names (`Response`, `Body`, a setter's type), first come first named.
    pub(super) aliases: Vec<(String, TokenStream)>,
    pub(super) scoped: &'o [Scoped],
}

impl<'o> Plan<'o> {
    /// The plan of `op`.
    pub(super) fn of(ctx: &Ctx<'_>, op: &'o Operation) -> Result<Self, CodegenError> {
        let mut plan = Plan {
            op,
            module: format_ident!("{}", op.method),
            tag: ctx.tag_module(op),
            params: Vec::new(),
            body: BodyPlan::None,
            response: None,
            pages: None,
            aliases: Vec::new(),
            scoped: &op.scoped,
        };
        let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
        plan.params = plan.param_setters(ctx, &mut taken)?;
        let io = if matches!(op.body, Some(Body::Json { .. })) || op.response.is_some() {
            ctx.index
                .component_fields(&Carrier::Io.key(&op.operation_id))?
        } else {
            Vec::new()
        };
        let io_type = |name: &str| {
            io.iter()
                .find(|f| f.name == name)
                .map(|f| f.type_id.clone())
                .ok_or_else(|| plan_error(op, format!("the generator made no type for the {name}")))
        };
        if op.response.is_some() {
            let id = io_type("response")?;
            let ty = ctx.index.ident(&id)?;
            plan.aliases.push(("Response".to_owned(), ty.clone()));
            plan.response = Some((id, ty));
        }
        plan.body = match &op.body {
            None => BodyPlan::None,
            Some(Body::Raw { .. }) => BodyPlan::Raw,
            Some(Body::Json {
                component,
                required,
            }) => plan.json_body(ctx, &io_type("body")?, component, *required, &mut taken)?,
        };
        plan.pages = plan.page_plan(ctx)?;
        Ok(plan)
    }

    /// A setter per parameter; its type from the carrier typify filled.
    fn param_setters(
        &mut self,
        ctx: &Ctx<'_>,
        taken: &mut BTreeSet<String>,
    ) -> Result<Vec<ParamPlan>, CodegenError> {
        let op = self.op;
        let carrier = if op.params.is_empty() {
            Vec::new()
        } else {
            ctx.index
                .component_fields(&Carrier::Params.key(&op.operation_id))?
        };
        let mut out = Vec::with_capacity(op.params.len());
        for (i, p) in op.params.iter().enumerate() {
            let field = carrier
                .iter()
                .find(|f| f.name == format!("p{i}"))
                .ok_or_else(|| {
                    plan_error(
                        op,
                        format!("the generator made no type for parameter `{}`", p.name),
                    )
                })?;
            let inner = ctx.index.unwrap_option(&field.type_id);
            let mut name = rust_ident(&p.name);
            while !taken.insert(name.clone()) {
                name.push_str("_param");
            }
            if ctx.index.is_named(&inner) {
                self.aliases
                    .push((rust_type_name(&p.name), ctx.index.ident(&inner)?));
            }
            out.push(param_plan(ctx, p, &name, ctx.index.ident(&inner)?));
        }
        Ok(out)
    }

    /// A struct body with a builder gets a setter per field; any other body
    /// is set whole.
    fn json_body(
        &mut self,
        ctx: &Ctx<'_>,
        id: &TypeId,
        component: &str,
        required: bool,
        taken: &mut BTreeSet<String>,
    ) -> Result<BodyPlan, CodegenError> {
        let op = self.op;
        let ty = ctx.index.ident(id)?;
        self.aliases.push(("Body".to_owned(), ty.clone()));
        let type_name = ctx.index.name(id)?;
        let Some(fields) = ctx.builders.get(&type_name) else {
            return Ok(BodyPlan::Whole { ty, required });
        };
        let schema = ctx.body_schema(component);
        let mut setters = Vec::with_capacity(fields.len());
        for f in fields {
            let mut name = f.rust.clone();
            if !taken.insert(name.clone()) {
                name = format!("body_{name}");
                taken.insert(name.clone());
            }
            let prop = schema
                .and_then(|s| s.get("properties"))
                .and_then(|p| p.get(&f.wire))
                .map(|p| resolve(ctx.doc, p))
                .unwrap_or(&Value::Null);
            let description = prop.get("description").and_then(Value::as_str);
            let field_ty = ctx.index.field(id, &f.rust).ok_or_else(|| {
                plan_error(
                    op,
                    format!("body type `{type_name}` has no field `{}`", f.rust),
                )
            })?;
            let inner = ctx.index.unwrap_option(&field_ty);
            if ctx.index.is_named(&inner) {
                self.aliases
                    .push((rust_type_name(&f.wire), ctx.index.ident(&inner)?));
            }
            // Required unless serde has a default or the field is an `Option`.
            let required = !f.has_default && inner == field_ty;
            let setter = Setter {
                ident: format_ident!("{}", name.trim_start_matches("r#")),
                ty: ctx.index.ident(&field_ty)?,
                doc: docs::setter(&f.wire, description, prop, required),
            };
            setters.push((format_ident!("{}", f.rust), setter));
        }
        Ok(BodyPlan::Fields {
            ty,
            builder: format_ident!("{}", type_name),
            setters,
        })
    }

    /// The types along the paths of the cursor pattern the model found
    /// (`data.next`, `data.results`), and the cursor's setter.
    fn page_plan(&self, ctx: &Ctx<'_>) -> Result<Option<PagePlan>, CodegenError> {
        let (Some(pagination), Some((response, page_ty))) = (&self.op.pagination, &self.response)
        else {
            return Ok(None);
        };
        let fail = |what: &str| {
            plan_error(
                self.op,
                format!("paginated operation, but the generated response type has {what}"),
            )
        };
        let next = field_path(ctx, response, &pagination.next).map_err(|e| fail(&e))?;
        let results = field_path(ctx, response, &pagination.results).map_err(|e| fail(&e))?;
        let item = ctx.index.vec_item(&results).ok_or_else(|| {
            fail(&format!(
                "a `{}` that is not a list",
                pagination.results.join(".")
            ))
        })?;
        let cursor = self
            .params
            .iter()
            .find(|p| p.wire == pagination.cursor && p.location == Location::Query)
            .map(|p| p.setter.ident.clone())
            .ok_or_else(|| fail(&format!("no `{}` parameter", pagination.cursor)))?;
        let idents = |path: &[String]| path.iter().map(|f| format_ident!("{}", f)).collect();
        Ok(Some(PagePlan {
            cursor_wire: pagination.cursor.clone(),
            cursor,
            page_ty: page_ty.clone(),
            next: idents(&pagination.next),
            next_optional: ctx.index.unwrap_option(&next) != next,
            results: idents(&pagination.results),
            item_ty: ctx.index.ident(&item)?,
        }))
    }
}

/// The type at a field path of the model (its properties are fields of the
/// same name), through required fields; else what is missing or optional.
fn field_path(ctx: &Ctx<'_>, root: &TypeId, path: &[String]) -> Result<TypeId, String> {
    let mut id = root.clone();
    for (depth, name) in path.iter().enumerate() {
        if depth > 0 && ctx.index.unwrap_option(&id) != id {
            return Err(format!("an optional `{}`", path[..depth].join(".")));
        }
        id = ctx
            .index
            .field(&id, name)
            .ok_or_else(|| format!("no `{}`", path[..=depth].join(".")))?;
    }
    Ok(id)
}

fn param_plan(ctx: &Ctx<'_>, p: &Param, name: &str, ty: TokenStream) -> ParamPlan {
    let schema = resolve(ctx.doc, &p.schema);
    ParamPlan {
        wire: p.name.clone(),
        location: p.location,
        required: p.required,
        setter: Setter {
            ident: format_ident!("{}", name),
            ty,
            doc: docs::setter(&p.name, p.description.as_deref(), schema, p.required),
        },
    }
}

fn plan_error(op: &Operation, reason: String) -> CodegenError {
    CodegenError::at(&op.pointer, reason)
}
