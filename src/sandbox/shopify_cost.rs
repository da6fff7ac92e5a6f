//! What a GraphQL document costs at the sandbox Shopify, and the answer trimmed to what the
//! document selected. Shopify's published model (`reference/shopify-admin-api.md` §3.1): scalars
//! cost 0, an object 1, a connection 2 + `first` × its node, a mutation 10. The *requested* cost
//! is computed from the document before anything runs (every `first:` taken at its word, the
//! bucket checked against it); the *actual* cost from what the answer holds: every object 1,
//! the entries of a list of objects included (`trackingInfo`, `supportedActions`: a create
//! answering one tracking entry costs 12), except `userErrors`, which Shopify was observed not to
//! charge (a refused create: 10; a create answering one fulfillment line item with its line item:
//! 15; reference §2.2).

use serde_json::{Map, Value};

/// One field of a selection set: the name Shopify knows, the key of the answer (an alias or the
/// name), its arguments as text, and its own selection when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub key: String,
    pub arguments: String,
    pub selection: Option<Vec<Field>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Colon,
    Open,
    Close,
    Arguments(String),
    Spread,
}

fn tokens(document: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = document.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' => out.push(Token::Open),
            '}' => out.push(Token::Close),
            ':' => out.push(Token::Colon),
            '.' if chars.peek().is_some_and(|(_, c)| *c == '.') => {
                chars.next();
                chars.next();
                out.push(Token::Spread);
            }
            '(' => {
                let mut depth = 1;
                let mut end = at + 1;
                for (i, c) in chars.by_ref() {
                    end = i;
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                }
                out.push(Token::Arguments(document[at + 1..end].to_owned()));
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut end = at + c.len_utf8();
                while let Some((i, c)) = chars.peek().copied() {
                    if c.is_alphanumeric() || c == '_' {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Name(document[at..end].to_owned()));
            }
            _ => {}
        }
    }
    out
}

/// The fields of the selection set that starts at `tokens[*at]` (just after its `{`).
fn selection(tokens: &[Token], at: &mut usize) -> Vec<Field> {
    let mut fields = Vec::new();
    while let Some(token) = tokens.get(*at) {
        *at += 1;
        match token {
            Token::Close => break,
            // `... on Order { … }`: the fragment's fields belong to this selection.
            Token::Spread => {
                while let Some(t) = tokens.get(*at) {
                    *at += 1;
                    if *t == Token::Open {
                        fields.extend(selection(tokens, at));
                        break;
                    }
                }
            }
            Token::Name(first) => {
                let (name, key) = if tokens.get(*at) == Some(&Token::Colon) {
                    match tokens.get(*at + 1) {
                        Some(Token::Name(name)) => {
                            *at += 2;
                            (name.clone(), first.clone())
                        }
                        _ => (first.clone(), first.clone()),
                    }
                } else {
                    (first.clone(), first.clone())
                };
                let mut arguments = String::new();
                if let Some(Token::Arguments(text)) = tokens.get(*at) {
                    arguments.clone_from(text);
                    *at += 1;
                }
                let mut inner = None;
                if tokens.get(*at) == Some(&Token::Open) {
                    *at += 1;
                    inner = Some(selection(tokens, at));
                }
                fields.push(Field {
                    name,
                    key,
                    arguments,
                    selection: inner,
                });
            }
            _ => {}
        }
    }
    fields
}

/// The root fields of a document's operation.
pub fn root_fields(document: &str) -> Vec<Field> {
    let tokens = tokens(document);
    let Some(open) = tokens.iter().position(|t| *t == Token::Open) else {
        return Vec::new();
    };
    let mut at = open + 1;
    selection(&tokens, &mut at)
}

/// `first:` of a field, a number or a variable's value.
fn first(field: &Field, variables: &Value) -> Option<f64> {
    let rest = field.arguments.split("first").nth(1)?;
    let value = rest.trim_start().strip_prefix(':')?.trim_start();
    let word: String = value
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    match word.strip_prefix('$') {
        Some(name) => variables[name].as_f64(),
        None => word.parse().ok(),
    }
}

/// How many ids `nodes(ids: $var)` asks for.
fn ids_count(field: &Field, variables: &Value) -> Option<f64> {
    let rest = field.arguments.split("ids").nth(1)?;
    let value = rest.trim_start().strip_prefix(':')?.trim_start();
    let name: String = value
        .strip_prefix('$')?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    #[allow(clippy::cast_precision_loss)]
    variables[name.as_str()].as_array().map(|a| a.len() as f64)
}

fn is_connection(selection: &[Field]) -> bool {
    selection
        .iter()
        .any(|f| f.name == "nodes" || f.name == "edges")
}

fn requested_of(field: &Field, variables: &Value) -> f64 {
    let Some(selection) = &field.selection else {
        return 0.0;
    };
    let inner =
        |fields: &[Field]| -> f64 { fields.iter().map(|f| requested_of(f, variables)).sum() };
    // `nodes(ids:)` is charged per id asked for.
    if field.name == "nodes"
        && let Some(n) = ids_count(field, variables)
    {
        return n * (1.0 + inner(selection));
    }
    match first(field, variables) {
        Some(n) if is_connection(selection) => {
            let (nodes, others): (Vec<&Field>, Vec<&Field>) = selection
                .iter()
                .partition(|f| f.name == "nodes" || f.name == "edges");
            let object = |f: &&Field| f.selection.as_deref().map_or(0.0, |s| 1.0 + inner(s));
            // `pageInfo` once; the nodes `first` times.
            2.0 + n * nodes.iter().map(object).sum::<f64>() + others.iter().map(object).sum::<f64>()
        }
        Some(n) => n * (1.0 + inner(selection)),
        None => 1.0 + inner(selection),
    }
}

/// The cost Shopify checks against the bucket before running the document.
pub fn requested(document: &str, variables: &Value, mutation: bool) -> f64 {
    root_fields(document)
        .iter()
        .map(|f| {
            if mutation {
                // The mutation's own 10 stands for its payload object.
                9.0 + requested_of(f, variables)
            } else {
                requested_of(f, variables)
            }
        })
        .sum()
}

fn children_of(object: &Map<String, Value>) -> f64 {
    object
        .iter()
        .filter(|(key, _)| key.as_str() != "userErrors")
        .map(|(_, value)| actual_of(value))
        .sum()
}

fn actual_of(value: &Value) -> f64 {
    match value {
        Value::Object(object) => match object.get("nodes").or_else(|| object.get("edges")) {
            // A connection: 2, and each node an object, however plain.
            Some(Value::Array(nodes)) => {
                let nodes: f64 = nodes
                    .iter()
                    .map(|n| 1.0 + n.as_object().map_or(0.0, children_of))
                    .sum();
                2.0 + nodes
            }
            _ => 1.0 + children_of(object),
        },
        Value::Array(items) => items.iter().map(actual_of).sum(),
        _ => 0.0,
    }
}

/// The cost of an answer's `data`, as Shopify charges it after running the document.
pub fn actual(data: &Value, mutation: bool) -> f64 {
    let Some(roots) = data.as_object() else {
        return 0.0;
    };
    roots
        .values()
        .map(|payload| {
            let objects = actual_of(payload);
            if mutation && payload.is_object() {
                // The payload object itself is the mutation's 10.
                9.0 + objects
            } else {
                objects
            }
        })
        .sum()
}

/// The answer trimmed to the fields the document selected (under their keys), and each list to
/// its `first:` (a cut connection says `hasNextPage`), as Shopify answers only what was asked.
pub fn project(value: &Value, selection: &[Field], variables: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| project(v, selection, variables))
                .collect(),
        ),
        Value::Object(object) => {
            let mut out = Map::new();
            for field in selection {
                let Some(found) = object.get(&field.name) else {
                    continue;
                };
                let kept = match &field.selection {
                    Some(inner) => {
                        let cut = first(field, variables).map(|n| cut_to(found, n));
                        project(cut.as_ref().unwrap_or(found), inner, variables)
                    }
                    None => found.clone(),
                };
                out.insert(field.key.clone(), kept);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// A list, or a connection's nodes, cut to `first`.
fn cut_to(value: &Value, first: f64) -> Value {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let first = first.max(0.0) as usize;
    match value {
        Value::Array(items) => Value::Array(items.iter().take(first).cloned().collect()),
        Value::Object(object) => {
            let mut object = object.clone();
            if let Some(Value::Array(nodes)) = object.get_mut("nodes")
                && nodes.len() > first
            {
                nodes.truncate(first);
                object.insert(
                    "pageInfo".into(),
                    serde_json::json!({"hasNextPage": true, "endCursor": null}),
                );
            }
            Value::Object(object)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_connection_costs_two_and_first_times_its_node() {
        let doc =
            "query Q($n: Int!) { order(id: \"x\") { id lineItems(first: $n) { nodes { id } } } }";
        // order 1 + connection 2 + 10 × node 1.
        assert_eq!(requested(doc, &json!({"n": 10}), false), 13.0);
        let nested = "query { orders(first: 5) { nodes { id transactions(first: 20) { kind } } } }";
        // 2 + 5 × (node 1 + 20 × 1).
        assert_eq!(requested(nested, &json!({}), false), 107.0);
    }

    #[test]
    fn the_observed_mutation_costs_are_met() {
        // Issue 24: the mutation 10, the fulfillment 1 — and each tracking entry answered 1.
        let answered = json!({"fulfillmentCreate": {"fulfillment": {"id": "f", "status": "SUCCESS",
            "trackingInfo": [{"company": "Sagawa (JA)", "number": "1", "url": null}]}, "userErrors": []}});
        assert_eq!(actual(&answered, true), 12.0);
        let floor = json!({"fulfillmentCreate": {"fulfillment": {"id": "f", "status": "SUCCESS",
            "name": "#1001.1"}, "userErrors": []}});
        assert_eq!(actual(&floor, true), 11.0);
        // reference §2.2: a refused create, 10.
        let refused = json!({"fulfillmentCreate": {"fulfillment": null,
            "userErrors": [{"field": ["fulfillment"], "message": "closed"}]}});
        assert_eq!(actual(&refused, true), 10.0);
        // A create answering one fulfillment line item and its line item: 15.
        let with_items = json!({"fulfillmentCreate": {"fulfillment": {"id": "f",
            "fulfillmentLineItems": {"nodes": [{"id": "l", "quantity": 1, "lineItem": {"id": "i"}}]}},
            "userErrors": []}});
        assert_eq!(actual(&with_items, true), 15.0);
    }

    #[test]
    fn answers_hold_only_what_was_selected_under_its_alias() {
        let fields =
            root_fields("query { o: order(id: $id) { id fulfillments(first: 2) { id } } }");
        let full = json!({"order": {"id": "1", "name": "#1", "fulfillments": [{"id": "f", "status": "SUCCESS"}]}});
        let data = Value::Object(
            fields
                .iter()
                .map(|f| {
                    let inner = f.selection.as_deref().unwrap_or_default();
                    (f.key.clone(), project(&full[&f.name], inner, &json!({})))
                })
                .collect(),
        );
        assert_eq!(
            data,
            json!({"o": {"id": "1", "fulfillments": [{"id": "f"}]}})
        );
    }
}
