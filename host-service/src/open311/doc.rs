//! One tree, two formats: an Open311 answer is built once as a [`Node`] and written as XML (the
//! spec's required format) or JSON (its "Spark convention" mapping of that XML).
//!
//! The mapping: an element with children is an object; a list element (`<services>` holding
//! `<service>`s) is an array; an empty element (`<account_id/>`) is `null`. Fields the spec marks
//! "may not be returned" are simply left out of the tree.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// The formats the spec defines; chosen by the resource's extension (`services.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext {
            "xml" => Some(Format::Xml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// Splits `name.ext` (the last path segment) into the name and its format.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (name, ext) = file.rsplit_once('.')?;
        Some((name, Format::from_extension(ext)?))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }
}

/// A value in an Open311 answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An empty element in XML, `null` in JSON.
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Named children, in the spec's order.
    Object(Vec<(&'static str, Node)>),
    /// Repeated children, each named `item` in XML; an array in JSON.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    /// `Text` for `Some`, `Null` (an empty element) for `None`.
    pub fn opt_text(s: Option<String>) -> Node {
        s.map_or(Node::Null, Node::Text)
    }

    pub fn opt_float(f: Option<f64>) -> Node {
        f.filter(|f| f.is_finite()).map_or(Node::Null, Node::Float)
    }

    pub fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Text(s) => Value::String(s.clone()),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Bool(b) => Value::Bool(*b),
            Node::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
            Node::List { items, .. } => Value::Array(items.iter().map(Node::to_json).collect()),
        }
    }

    /// The whole XML document with `self` as the element `root`.
    pub fn to_xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        self.write_xml(root, &mut out);
        out.push('\n');
        out
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        let open = |out: &mut String| {
            out.push('<');
            out.push_str(name);
            out.push('>');
        };
        let close = |out: &mut String| {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        };
        match self {
            Node::Null => {
                out.push('<');
                out.push_str(name);
                out.push_str("/>");
            }
            Node::Text(s) => {
                open(out);
                escape_into(s, out);
                close(out);
            }
            Node::Int(i) => {
                open(out);
                out.push_str(&i.to_string());
                close(out);
            }
            Node::Float(f) => {
                open(out);
                out.push_str(&f.to_string());
                close(out);
            }
            Node::Bool(b) => {
                open(out);
                out.push_str(if *b { "true" } else { "false" });
                close(out);
            }
            Node::Object(fields) => {
                open(out);
                for (k, v) in fields {
                    v.write_xml(k, out);
                }
                close(out);
            }
            Node::List { item, items } => {
                if items.is_empty() {
                    return Node::Null.write_xml(name, out);
                }
                open(out);
                for v in items {
                    v.write_xml(item, out);
                }
                close(out);
            }
        }
    }
}

/// Escapes text for XML content and drops the characters XML 1.0 cannot carry at all (control
/// characters other than tab and line breaks, U+FFFE, U+FFFF): user text may contain them, and
/// one of them would make the whole document unparsable.
pub fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// An answer: the root element's name and its content.
#[derive(Debug, Clone)]
pub struct Doc {
    pub root: &'static str,
    pub node: Node,
}

impl Doc {
    pub fn render(&self, status: StatusCode, format: Format) -> Response {
        let body = match format {
            Format::Xml => self.node.to_xml(self.root),
            Format::Json => self.node.to_json().to_string(),
        };
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

/// The spec's error answer: HTTP 404 for what does not exist, 403 for a missing or wrong
/// `api_key`, 400 for anything else the client must fix; the body lists `code` + `description`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub descriptions: Vec<String>,
}

impl Failure {
    pub fn new(status: StatusCode, description: impl Into<String>) -> Failure {
        Failure {
            status,
            descriptions: vec![description.into()],
        }
    }

    pub fn bad_request(description: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, description)
    }

    pub fn not_found(description: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, description)
    }

    pub fn doc(&self) -> Doc {
        let code = i64::from(self.status.as_u16());
        Doc {
            root: "errors",
            node: Node::List {
                item: "error",
                items: self
                    .descriptions
                    .iter()
                    .map(|d| {
                        Node::Object(vec![
                            ("code", Node::Int(code)),
                            ("description", Node::text(d)),
                        ])
                    })
                    .collect(),
            },
        }
    }

    pub fn render(&self, format: Format) -> Response {
        self.doc().render(self.status, format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_cannot_hold() {
        let node = Node::Object(vec![
            ("description", Node::text("a<b>&\"c'\u{0}\u{1b}d\nе")),
            ("empty", Node::Null),
            (
                "list",
                Node::List {
                    item: "x",
                    items: vec![Node::Int(1), Node::Bool(true)],
                },
            ),
        ]);
        let xml = node.to_xml("root");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<root><description>a&lt;b&gt;&amp;&quot;c&apos;d\nе</description><empty/><list><x>1</x><x>true</x></list></root>\n"
        );
    }

    #[test]
    fn json_follows_the_spark_convention() {
        let node = Node::List {
            item: "request",
            items: vec![Node::Object(vec![
                ("id", Node::text("1")),
                ("lat", Node::Float(54.5)),
                ("x", Node::Null),
            ])],
        };
        assert_eq!(
            node.to_json().to_string(),
            r#"[{"id":"1","lat":54.5,"x":null}]"#
        );
    }
}
