//! Resolution: every name the extensions use (a function's context, a context's functions,
//! `sharedBy`, affects targets, merge slots, a form's functions) becomes an id, checked where
//! it is written, and each function, context and form is then built once, complete.
//!
//! The order is what each step needs: the functions' declared contexts, then each context's
//! members, then what each function is and takes (its [`Role`] and arguments), then the
//! contexts with their elevated params, and last the mutations' targets, which check merge
//! slots against the finished contexts.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::args::{collect_properties, is_binary, route_arg};
use super::extensions::{RawContext, RawFunction, RawMerge, RawTarget};
use super::forms::{RawForm, FORM_FUNCTION_KEYS};
use super::routes::{parse_route, RouteError};
use crate::diagnostics::{self, Diagnostic};
use crate::ir::{
    index_u32, names, validate, AffectTarget, Arg, CachePolicy, Context, ContextId, ContextParam,
    Form, Function, FunctionId, FunctionKind, MergeTarget, Route, RouteSegment, Type, TypeKind,
};
use crate::span::Span;

/// What a function is, decided before any function is built.
enum Role {
    ViewPath(Route),
    /// Reads for this context.
    Read(ContextId),
    Mutation,
    Plain,
}

impl Role {
    fn reads(&self) -> Option<ContextId> {
        match self {
            Role::Read(context) => Some(*context),
            _ => None,
        }
    }
}

/// The functions, contexts and forms, every name in them resolved.
pub(super) struct Resolved {
    pub(super) functions: Vec<Function>,
    pub(super) contexts: Vec<Context>,
    pub(super) forms: Vec<Form>,
}

/// Resolves the functions, contexts and forms as read; `types` are the lowered
/// `components.schemas` and `type_names` their keys.
pub(super) fn resolve<'a>(
    diags: &mut Vec<Diagnostic>,
    functions: Vec<RawFunction<'a>>,
    contexts: Vec<RawContext<'a>>,
    forms: Vec<RawForm<'a>>,
    types: &[Type],
    type_names: &[&str],
) -> Resolved {
    let mut r = Resolver {
        diags,
        functions: &functions,
        fn_names: NameIndex::new(functions.iter().map(|f| f.name)),
        ctx_names: NameIndex::new(contexts.iter().map(|c| c.name)),
        types,
        type_names,
    };
    let declared: Vec<Option<ContextId>> = functions.iter().map(|f| r.declared(f)).collect();
    let members = r.members(&contexts, &declared);
    let (args, roles): (Vec<Vec<Arg>>, Vec<Role>) = functions
        .iter()
        .zip(&declared)
        .map(|(f, declared)| r.role(f, *declared))
        .unzip();
    let contexts: Vec<Context> = contexts
        .iter()
        .zip(members)
        .map(|(c, members)| r.context(c, members, &args, &roles))
        .collect();
    let kinds: Vec<FunctionKind> = roles
        .iter()
        .enumerate()
        .map(|(fi, role)| r.kind(fi, role, &args, &roles, &contexts))
        .collect();
    let forms = forms.into_iter().map(|f| r.form(f)).collect();
    let functions = functions
        .into_iter()
        .zip(args)
        .zip(kinds)
        .map(|((f, args), kind)| Function {
            wire_name: f.name.to_owned(),
            ident: f.ident,
            kind,
            input: f.input.map(|(t, _)| t),
            args,
            output: f.output,
            output_nullable: f.output_nullable,
            transport: f.transport,
            auth: f.auth,
            rev: f.rev,
            cache: f.cache,
            private: f.private,
            upload: f.upload,
            description: f.description,
            span: f.name_span,
        })
        .collect();
    Resolved {
        functions,
        contexts,
        forms,
    }
}

/// The lookup tables resolution answers from, and where it reports.
struct Resolver<'r, 'a> {
    diags: &'r mut Vec<Diagnostic>,
    functions: &'r [RawFunction<'a>],
    fn_names: NameIndex<'a>,
    ctx_names: NameIndex<'a>,
    types: &'r [Type],
    type_names: &'r [&'r str],
}

impl<'a> Resolver<'_, 'a> {
    /// The context a context name refers to; an unknown one is reported.
    fn context_id(&mut self, (name, span): (&str, Span)) -> Option<ContextId> {
        let id = self.ctx_names.get(name).map(ContextId);
        if id.is_none() {
            self.diags.push(diagnostics::unknown_context(
                span,
                name,
                &self.ctx_names.names,
            ));
        }
        id
    }

    /// The function `name` as a member of context `context` (whose members are `members`),
    /// reporting an unknown function or one that belongs elsewhere; `role` says where the name
    /// is written.
    fn context_member(
        &mut self,
        (name, span): (&str, Span),
        context: &str,
        members: &[FunctionId],
        role: &str,
        roles: &[Role],
    ) -> Option<FunctionId> {
        let Some(id) = self.fn_names.get(name).map(FunctionId) else {
            self.diags.push(diagnostics::unknown_function(
                span,
                name,
                role,
                &self.fn_names.names,
            ));
            return None;
        };
        if members.contains(&id) {
            return Some(id);
        }
        let actual = roles[id.0 as usize]
            .reads()
            .and_then(|c| self.ctx_names.names.get(c.0 as usize).copied());
        self.diags.push(diagnostics::function_not_in_context(
            span, name, context, actual,
        ));
        None
    }

    /// A form, with the functions it calls.
    fn form(&mut self, f: RawForm<'a>) -> Form {
        let [schema_fn, validate_fn, submit_fn] = std::array::from_fn(|i| {
            let (name, span) = f.functions[i]?;
            let id = self.fn_names.get(name).map(FunctionId);
            if id.is_none() {
                self.diags.push(diagnostics::unknown_function(
                    span,
                    name,
                    &format!("form `{}`'s `{}`", f.name, FORM_FUNCTION_KEYS[i]),
                    &self.fn_names.names,
                ));
            }
            id
        });
        Form {
            wire_name: f.name.to_owned(),
            ident: f.ident,
            title: f.title,
            submit_label: f.submit_label,
            fields: f.fields,
            schema_fn,
            validate_fn,
            submit_fn,
            span: f.span,
        }
    }

    /// The context a function declares it reads for; a function that also mutates or has a
    /// route is reported.
    fn declared(&mut self, f: &RawFunction<'a>) -> Option<ContextId> {
        let id = f.context.and_then(|c| self.context_id(c));
        if let (Some((_, ctx_span)), Some((span, field))) = (f.context, f.mutation_span) {
            self.diags
                .push(diagnostics::context_with_mutation(ctx_span, span, field));
        }
        if let (Some((_, ctx_span)), Some((_, route_span))) = (f.context, f.route) {
            self.diags.push(diagnostics::context_with_mutation(
                ctx_span, route_span, "route",
            ));
        }
        id
    }

    /// Each context's members: the functions it lists, then any function that names the
    /// context without being listed (with a warning).
    fn members(
        &mut self,
        contexts: &[RawContext<'a>],
        declared: &[Option<ContextId>],
    ) -> Vec<Vec<FunctionId>> {
        let mut members: Vec<Vec<FunctionId>> = vec![Vec::new(); contexts.len()];
        for (c, list) in contexts.iter().zip(&mut members) {
            let Some(listed) = &c.listed else { continue };
            for &(name, span) in listed {
                let Some(fi) = self.fn_names.get(name) else {
                    self.diags.push(diagnostics::unknown_function(
                        span,
                        name,
                        &format!("context `{}`", c.name),
                        &self.fn_names.names,
                    ));
                    continue;
                };
                let id = FunctionId(fi);
                let says = self.functions[fi as usize].context.map(|(n, _)| n);
                // A function naming an unknown context is already reported; counting it as a
                // member here keeps that one mistake from cascading.
                let unknown = says.is_some_and(|d| self.ctx_names.get(d).is_none());
                if says == Some(c.name) || unknown {
                    if !list.contains(&id) {
                        list.push(id);
                    }
                } else {
                    self.diags.push(diagnostics::context_member_mismatch(
                        span, name, c.name, says,
                    ));
                }
            }
        }
        for (fi, context) in declared.iter().enumerate() {
            let Some(context) = context else { continue };
            let id = FunctionId(index_u32(fi));
            let list = &mut members[context.0 as usize];
            if !list.contains(&id) {
                if contexts[context.0 as usize].listed.is_some() {
                    if let Some((name, span)) = self.functions[fi].context {
                        self.diags.push(diagnostics::context_member_unlisted(
                            span,
                            self.functions[fi].name,
                            name,
                        ));
                    }
                }
                list.push(id);
            }
        }
        members
    }

    /// What a function is and the arguments it takes: a view path (whose route parameters are
    /// arguments too), a context read, a mutation or a plain function.
    fn role(&mut self, f: &RawFunction<'a>, declared: Option<ContextId>) -> (Vec<Arg>, Role) {
        let mut args = match &f.input {
            Some((ty, span)) => self.args_of(ty, *span, f.name),
            None => Vec::new(),
        };
        let role = if let Some((path, span)) = f.route {
            match parse_route(path) {
                Ok(route) => {
                    // The URL builder's arguments are the route's parameters: an input property
                    // the route does not name would be accepted and then dropped.
                    let params: Vec<&str> = route
                        .segments
                        .iter()
                        .filter_map(|seg| match seg {
                            RouteSegment::Param { name, .. } => Some(name.as_str()),
                            RouteSegment::Literal { .. } => None,
                        })
                        .collect();
                    if let (Some((_, input_span)), Some(extra)) = (
                        &f.input,
                        args.iter()
                            .find(|a| !params.contains(&a.wire_name.as_str())),
                    ) {
                        self.diags.push(diagnostics::argument_not_in_route(
                            *input_span,
                            f.name,
                            &extra.wire_name,
                            path,
                        ));
                    }
                    for seg in &route.segments {
                        if let RouteSegment::Param { name, converter } = seg {
                            if !args.iter().any(|a| a.wire_name == *name) {
                                args.push(route_arg(name, *converter));
                            }
                        }
                    }
                    Role::ViewPath(route)
                }
                Err(error) => {
                    self.diags.push(match error {
                        RouteError::Syntax(reason) => diagnostics::invalid_route(span, &reason),
                        RouteError::NotAPath(why) => diagnostics::route_not_a_path(span, &why),
                        RouteError::Braces(name) => diagnostics::route_braces(span, &name),
                        RouteError::ObjectMember(name) => diagnostics::object_member_name(
                            span,
                            &format!("a route parameter of `{}`", f.name),
                            &name,
                        ),
                    });
                    Role::Plain
                }
            }
        } else if let Some(context) = declared {
            Role::Read(context)
        } else if f.mutation_span.is_some() {
            Role::Mutation
        } else {
            Role::Plain
        };
        (args, role)
    }

    /// The named arguments of a function: the properties of its input object schema.
    fn args_of(&mut self, input: &Type, span: Span, name: &str) -> Vec<Arg> {
        let mut props = Vec::new();
        if !collect_properties(input, self.types, &mut props, 0) {
            self.diags.push(diagnostics::input_not_object(span, name));
        }
        if let Some(p) = props.iter().find(|p| names::is_object_member(&p.wire_name)) {
            self.diags.push(diagnostics::object_member_name(
                span,
                &format!("an argument of `{name}`"),
                &p.wire_name,
            ));
        }
        props
            .into_iter()
            .map(|p| Arg {
                is_file: is_binary(&p.ty, self.types),
                required: p.required && !p.has_default(),
                wire_name: p.wire_name,
                ty: p.ty,
            })
            .collect()
    }

    /// A context with its params elevated from its members' arguments; its revision and cache
    /// policy default to its members' (the highest revision, the most restrictive policy).
    fn context(
        &mut self,
        c: &RawContext<'a>,
        members: Vec<FunctionId>,
        args: &[Vec<Arg>],
        roles: &[Role],
    ) -> Context {
        let params = self.context_params(c, &members, args, roles);
        let member_fns = || members.iter().map(|id| &self.functions[id.0 as usize]);
        Context {
            wire_name: c.name.to_owned(),
            ident: names::stem(c.name).unwrap_or_default(),
            is_global: c.name == "global",
            rev: c
                .rev
                .unwrap_or_else(|| member_fns().map(|f| f.rev).max().unwrap_or(0)),
            cache: c.cache.unwrap_or_else(|| {
                member_fns()
                    .map(|f| f.cache)
                    .reduce(CachePolicy::min)
                    .unwrap_or(CachePolicy::Default)
            }),
            functions: members,
            params,
            span: c.span,
        }
    }

    fn context_params(
        &mut self,
        c: &RawContext<'a>,
        members: &[FunctionId],
        args: &[Vec<Arg>],
        roles: &[Role],
    ) -> Vec<ContextParam> {
        // Derived: the union of the members' arguments.
        let mut derived: IndexMap<&str, (Type, Vec<FunctionId>)> = IndexMap::new();
        for &id in members {
            for arg in &args[id.0 as usize] {
                derived
                    .entry(&arg.wire_name)
                    .or_insert_with(|| (arg.ty.clone(), Vec::new()))
                    .1
                    .push(id);
            }
        }
        let covers_all = |shared: &[FunctionId]| members.iter().all(|m| shared.contains(m));
        let global = c.name == "global";
        let Some((declared, params_span)) = &c.params else {
            if global && !derived.is_empty() {
                let first = derived
                    .values()
                    .next()
                    .and_then(|(_, s)| s.first())
                    .map_or(c.span, |id| self.functions[id.0 as usize].name_span);
                self.diags.push(diagnostics::global_with_params(first));
            }
            return derived
                .into_iter()
                .map(|(name, (ty, shared_by))| ContextParam {
                    wire_name: name.to_owned(),
                    ty,
                    required: covers_all(&shared_by),
                    shared_by,
                })
                .collect();
        };
        if global && !declared.is_empty() {
            self.diags
                .push(diagnostics::global_with_params(*params_span));
        }
        let mut out = Vec::with_capacity(declared.len());
        for p in declared {
            let shared_by = match &p.shared_by {
                Some(list) => {
                    let role = format!("param `{}`'s `sharedBy`", p.name);
                    list.iter()
                        .filter_map(|&name| {
                            self.context_member(name, c.name, members, &role, roles)
                        })
                        .collect()
                }
                None => derived
                    .get(p.name)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default(),
            };
            let required = covers_all(&shared_by) && !members.is_empty();
            if let Some((said, span)) = p.required {
                if said != required {
                    self.diags.push(diagnostics::param_required_mismatch(
                        span, c.name, p.name, said,
                    ));
                }
            }
            let ty = p
                .schema
                .clone()
                .or_else(|| derived.get(p.name).map(|(t, _)| t.clone()))
                .unwrap_or_else(|| Type::new(TypeKind::Unknown));
            out.push(ContextParam {
                wire_name: p.name.to_owned(),
                ty,
                required,
                shared_by,
            });
        }
        out
    }

    /// A function's kind; a mutation's targets are resolved against the finished contexts.
    fn kind(
        &mut self,
        fi: usize,
        role: &Role,
        args: &[Vec<Arg>],
        roles: &[Role],
        contexts: &[Context],
    ) -> FunctionKind {
        match role {
            Role::ViewPath(route) => FunctionKind::ViewPath {
                route: route.clone(),
            },
            Role::Read(context) => FunctionKind::ContextRead { context: *context },
            Role::Plain => FunctionKind::Plain,
            Role::Mutation => {
                let f = &self.functions[fi];
                FunctionKind::Mutation {
                    affects: f
                        .affects
                        .iter()
                        .filter_map(|t| self.affect_target(t, roles, contexts))
                        .collect(),
                    merge: f
                        .merge
                        .iter()
                        .filter_map(|m| self.merge_target(m, fi, args, roles, contexts))
                        .collect(),
                }
            }
        }
    }

    fn affect_target(
        &mut self,
        t: &RawTarget<'a>,
        roles: &[Role],
        contexts: &[Context],
    ) -> Option<AffectTarget> {
        let context = self.context_id(t.context)?;
        let Some(function) = t.function else {
            return Some(AffectTarget::Context { context });
        };
        let ctx = &contexts[context.0 as usize];
        let function = self.context_member(
            function,
            &ctx.wire_name,
            &ctx.functions,
            "an affects target",
            roles,
        )?;
        Some(AffectTarget::Function { function, context })
    }

    fn merge_target(
        &mut self,
        m: &RawMerge<'a>,
        mutation: usize,
        args: &[Vec<Arg>],
        roles: &[Role],
        contexts: &[Context],
    ) -> Option<MergeTarget> {
        let context = self.context_id(m.context)?;
        let ctx = &contexts[context.0 as usize];
        let slot = self.context_member(
            m.slot,
            &ctx.wire_name,
            &ctx.functions,
            "a merge slot",
            roles,
        )?;
        let mutation_fn = &self.functions[mutation];
        let slot_fn = &self.functions[slot.0 as usize];
        if !validate::same_output(&mutation_fn.output, &slot_fn.output) {
            self.diags.push(diagnostics::merge_type_mismatch(
                m.span,
                mutation_fn.name,
                m.slot.0,
                &validate::describe(&mutation_fn.output, self.type_names),
                &validate::describe(&slot_fn.output, self.type_names),
            ));
            return None;
        }
        let required: Vec<&ContextParam> = ctx.params.iter().filter(|p| p.required).collect();
        let scoped = !required.is_empty()
            && required
                .iter()
                .all(|p| args[mutation].iter().any(|a| a.wire_name == p.wire_name));
        let scope = if scoped {
            required.iter().map(|p| p.wire_name.clone()).collect()
        } else {
            Vec::new()
        };
        Some(MergeTarget {
            context,
            slot,
            scope,
        })
    }
}

/// Names in document order (for "did you mean" suggestions) with a lookup index. The index is
/// only ever queried, never iterated, so hash order cannot reach any output.
struct NameIndex<'a> {
    names: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> NameIndex<'a> {
    fn new(names: impl IntoIterator<Item = &'a str>) -> Self {
        let names: Vec<&'a str> = names.into_iter().collect();
        let mut index = HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            index.entry(*n).or_insert(index_u32(i));
        }
        NameIndex { names, index }
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }
}
