// The GraphQL client: one POST per operation with the session's bearer key.
// The page talks to /graphql (and /export) only.

import { currentKey } from "./auth.js";

export class AuthError extends Error {}
export class ApiError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.errors = errors;
  }
}

export async function gql(query, variables = {}, { signal } = {}) {
  const key = currentKey();
  if (!key) throw new AuthError("not signed in");
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
        Authorization: `Bearer ${key}`,
      },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError("The server cannot be reached. Is `make run` still running?");
  }
  if (response.status === 401) {
    const body = await response.json().catch(() => ({}));
    throw new AuthError(body?.errors?.[0]?.message ?? "the API key was not accepted");
  }
  const body = await response.json().catch(() => null);
  if (!body) throw new ApiError(`The server answered ${response.status} without a GraphQL body.`);
  if (body.errors?.length && !body.data) {
    throw new ApiError(body.errors.map((e) => e.message).join("; "), body.errors);
  }
  if (body.errors?.length) {
    // Partial data: keep it, and say what failed.
    console.warn("GraphQL errors", body.errors);
  }
  return body.data;
}

/**
 * What this server's schema offers: the root query fields with their arguments,
 * and the fields of every object type. The page builds its queries from this so
 * that it keeps working while the API grows; with introspection switched off
 * (production), it assumes the full documented API.
 */
export class Capabilities {
  constructor(schema) {
    this.introspected = Boolean(schema);
    this.query = new Map();
    this.types = new Map();
    if (!schema) return;
    for (const type of schema.types) {
      if (type.name.startsWith("__")) continue;
      this.types.set(type.name, type);
    }
    const root = this.types.get(schema.queryType.name);
    for (const field of root?.fields ?? []) this.query.set(field.name, field);
  }

  has(field) {
    return this.introspected ? this.query.has(field) : true;
  }

  arg(field, name) {
    if (!this.introspected) return true;
    return Boolean(this.query.get(field)?.args.some((a) => a.name === name));
  }

  type(name) {
    return this.types.get(name);
  }

  fieldsOf(typeName) {
    return this.types.get(typeName)?.fields ?? [];
  }

  hasField(typeName, field) {
    if (!this.introspected) return true;
    return this.fieldsOf(typeName).some((f) => f.name === field);
  }

  /** Concrete types implementing an interface (e.g. Node). */
  implementations(iface) {
    return [...this.types.values()]
      .filter((t) => t.kind === "OBJECT" && t.interfaces?.some((i) => i.name === iface))
      .map((t) => t.name);
  }

  /** Enum values, e.g. relationship types, or [] when unknown. */
  enumValues(name) {
    return (this.types.get(name)?.enumValues ?? []).map((v) => v.name);
  }
}

const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
const INTROSPECTION = `query ExplorerCapabilities {
  __schema {
    queryType { name }
    types {
      kind name
      interfaces { name }
      enumValues { name }
      fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } }
    }
  }
}`;

export async function loadCapabilities() {
  try {
    const data = await gql(INTROSPECTION);
    return new Capabilities(data.__schema);
  } catch (e) {
    if (e instanceof AuthError) throw e;
    return new Capabilities(null);
  }
}

/** The named type under NON_NULL / LIST wrappers. */
export function namedType(ref) {
  let t = ref;
  while (t && !t.name) t = t.ofType;
  return t;
}
