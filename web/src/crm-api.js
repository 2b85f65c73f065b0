// The GraphQL operations of the CRM views (forms, notes and tasks, campaigns, merges).
// Every mutation answers with its result or a typed problem; `outcome` turns the problem
// into what a form shows: field-level messages by input path, or a conflict.

import { currentKey } from "./auth.js";
import { ApiError, AuthError, gql } from "./api.js";

const PROBLEMS = `
  ... on ValidationProblem { message problems { field message } }
  ... on NotFoundProblem { message id }
  ... on ConflictProblem { message field currentUpdatedAt fields { field yours theirs changedBy } }`;

/**
 * `{ ok: value }` or `{ problems: [{ field, message }], conflict }`. A problem's `field`
 * is its dotted GraphQL path without the leading "input." ("name", "attendees.2.new.kind"),
 * or null when the problem is not about one field.
 */
export function outcome(result, typename) {
  if (result?.__typename === typename) return { ok: result };
  const strip = (f) => (f ? f.replace(/^input\./, "") : null);
  if (result?.__typename === "ValidationProblem") {
    return { problems: result.problems.map((p) => ({ field: strip(p.field), message: p.message })) };
  }
  if (result?.__typename === "ConflictProblem" && result.fields?.length) {
    return {
      problems: result.fields.map((f) => ({ field: strip(f.field), message: conflictLine(f) })),
      conflict: { message: result.message, fields: result.fields.map((f) => ({ ...f, field: strip(f.field) })), current: result.currentUpdatedAt },
    };
  }
  return { problems: [{ field: strip(result?.field), message: result?.message ?? "The server refused this." }] };
}

export function shown(value) {
  if (value === null || value === undefined || value === "") return "(empty)";
  if (Array.isArray(value)) return value.length ? value.join(", ") : "(none)";
  return String(value);
}

function conflictLine(f) {
  const who = f.changedBy ? ` by ${f.changedBy}` : " by someone else";
  return `Changed${who} since you opened it: now “${shown(f.theirs)}”; yours: “${shown(f.yours)}”.`;
}

// ---- the model, for forms -------------------------------------------------------------

const FIELD = "name kind many required options maxLength minimum maximum pattern personal ref description";
let rulesCache = null;

/** The relationship matrix with each type's properties (as the forms show them). */
export async function relationshipRules() {
  rulesCache ??= gql(`query CrmRules { relationshipRules { type fromType toType reads shown fields { ${FIELD} } } }`).then(
    (d) => d.relationshipRules,
  );
  return rulesCache;
}

const fieldsCache = new Map();
/** The fields an edit of an entity of this type may set. */
export function entityFields(type) {
  if (!fieldsCache.has(type)) {
    fieldsCache.set(type, gql(`query CrmFields($t: String!) { entityFields(type: $t) { ${FIELD} } }`, { t: type }).then((d) => d.entityFields));
  }
  return fieldsCache.get(type);
}

// ---- entities --------------------------------------------------------------------------

/** An entity's editable values (and its version) for the edit form. */
export async function loadForEdit(type, id, fields) {
  const names = fields.map((f) => f.name).join(" ");
  const data = await gql(`query CrmEdit($id: ID!) { node(id: $id) { __typename id ... on ${type} { createdAt updatedAt ${names} } } }`, { id });
  return data.node;
}

export async function updateEntity(type, id, input, expectedUpdatedAt) {
  const data = await gql(
    `mutation CrmUpdate($id: ID!, $input: Update${type}Input!, $v: DateTime) {
      result: update${type}(id: $id, input: $input, expectedUpdatedAt: $v) { __typename ... on ${type} { id updatedAt } ${PROBLEMS} }
    }`,
    { id, input, v: expectedUpdatedAt ?? null },
  );
  return outcome(data.result, type);
}

export async function createEntity(type, input) {
  const data = await gql(
    `mutation CrmCreate($input: Create${type}Input!) { result: create${type}(input: $input) { __typename ... on ${type} { id name } ${PROBLEMS} } }`,
    { input },
  );
  return outcome(data.result, type);
}

// ---- relationships ---------------------------------------------------------------------

const REL = `__typename ... on Relationship { type fromId toId } ${PROBLEMS}`;

export async function connect(input) {
  const data = await gql(`mutation CrmConnect($input: ConnectInput!) { result: connect(input: $input) { ${REL} } }`, { input });
  return outcome(data.result, "Relationship");
}

export async function disconnect(type, fromId, toId) {
  const data = await gql(`mutation CrmDisconnect($input: DisconnectInput!) { result: disconnect(input: $input) { ${REL} } }`, {
    input: { type, fromId, toId },
  });
  return outcome(data.result, "Relationship");
}

/**
 * A person's memberships, or an organisation's members (MEMBER_OF with role and dates).
 * The edge's node is one type (an Organisation, or a Person): no fragment of the other.
 */
export async function loadMemberships(type, id) {
  const field = type === "Person" ? "memberships" : "members";
  const data = await gql(
    `query CrmMembers($id: ID!) { node(id: $id) { ... on ${type} { list: ${field}(first: 100) { edges { role from to node { __typename id name } } } } } }`,
    { id },
  );
  return data.node?.list?.edges ?? [];
}

// ---- meetings ----------------------------------------------------------------------------

export async function recordMeeting(input) {
  const data = await gql(
    `mutation CrmRecordMeeting($input: RecordMeetingInput!) { result: recordMeeting(input: $input) { __typename ... on Event { id name } ${PROBLEMS} } }`,
    { input },
  );
  return outcome(data.result, "Event");
}

// ---- notes, tasks, timeline -----------------------------------------------------------------

const TASK = "id title dueDate status assignee description overdue authorName updatedAt about { __typename id ... on Organisation { name } ... on Person { name } ... on Event { name } ... on Programme { name } ... on Campaign { name } }";

export async function loadNotesAndTasks(id) {
  const data = await gql(`query CrmAbout($id: ID!) { node(id: $id) { id ... on Entity { notes { id body authorName createdAt } tasks { ${TASK} } } } }`, { id });
  return { notes: data.node?.notes ?? [], tasks: data.node?.tasks ?? [] };
}

export async function createTask(input) {
  const data = await gql(`mutation CrmCreateTask($input: CreateTaskInput!) { result: createTask(input: $input) { __typename ... on Task { ${TASK} } ${PROBLEMS} } }`, { input });
  return outcome(data.result, "Task");
}

export async function setTaskStatus(task, status) {
  const data = await gql(
    `mutation CrmTaskStatus($id: ID!, $s: TaskStatus!, $v: DateTime) { result: updateTask(id: $id, input: { status: $s }, expectedUpdatedAt: $v) { __typename ... on Task { ${TASK} } ${PROBLEMS} } }`,
    { id: task.id, s: status, v: task.updatedAt ?? null },
  ).catch((e) => ({ result: { __typename: "Error", message: e.message } }));
  return outcome(data.result, "Task");
}

export async function myTasks(includeDone = false) {
  return (await gql(`query CrmMyTasks($d: Boolean!) { myTasks(includeDone: $d) { ${TASK} } }`, { d: includeDone })).myTasks;
}

export async function loadTimelineAndHistory(id) {
  const data = await gql(
    `query CrmTimeline($id: ID!) {
      timeline(id: $id) { at kind title ref detail }
      history(id: $id) { id at action actorName entityType changes { field before after } }
    }`,
    { id },
  );
  return data;
}

// ---- campaigns -----------------------------------------------------------------------------

export async function campaigns() {
  return (await gql("query CrmCampaigns { campaigns(first: 100) { nodes { id name goal status description } } }")).campaigns.nodes;
}

export async function stakeholders(campaignId) {
  const data = await gql(
    `query CrmStakeholders($id: ID!) { campaign(id: $id) { id name goal status description
      stakeholders { influence interest stance assessedAt note quadrant node { __typename id ... on Organisation { name } ... on Person { name } }
        history { influence interest stance assessedAt note by } } } }`,
    { id: campaignId },
  );
  return data.campaign;
}

export async function assess(campaignId, stakeholderId, input) {
  const data = await gql(
    `mutation CrmAssess($c: ID!, $s: ID!, $input: AssessmentInput!) { result: assessStakeholder(campaignId: $c, stakeholderId: $s, input: $input) { __typename ... on Stakeholder { influence interest stance } ${PROBLEMS} } }`,
    { c: campaignId, s: stakeholderId, input },
  );
  return outcome(data.result, "Stakeholder");
}

/** The grid as CSV from the server (cells escaped as the graph export's). */
export async function stakeholdersCsv(campaignId) {
  const response = await fetch(`/export/stakeholders?campaign=${encodeURIComponent(campaignId)}`, {
    headers: { Authorization: `Bearer ${currentKey()}` },
  });
  if (response.status === 401) throw new AuthError("the API key was not accepted");
  if (!response.ok) throw new ApiError(`The export failed (${response.status}).`);
  return response.blob();
}

// ---- merges ---------------------------------------------------------------------------------

const NAMED = "__typename id ... on Organisation { name } ... on Person { name }";

export async function mergePreview(keepId, removeId) {
  const data = await gql(
    `query CrmMergePreview($k: ID!, $r: ID!) { result: mergePreview(keepId: $k, removeId: $r) { __typename
      ... on MergePreview { keep { ${NAMED} } remove { ${NAMED} } changes { field before after } allTiesListed
        ties { type outgoing combined dropped other { __typename id ... on Organisation { name } ... on Person { name } ... on Event { name } ... on Programme { name } ... on Place { name } ... on Document { title } ... on Service { name } ... on Campaign { name } ... on Note { body } ... on Task { title } } } }
      ${PROBLEMS} } }`,
    { k: keepId, r: removeId },
  );
  return outcome(data.result, "MergePreview");
}

export async function mergeEntities(keepId, removeId) {
  const data = await gql(
    `mutation CrmMerge($k: ID!, $r: ID!) { result: mergeEntities(keepId: $k, removeId: $r) { __typename ... on Merged { removedId kept { id } } ${PROBLEMS} } }`,
    { k: keepId, r: removeId },
  );
  return outcome(data.result, "Merged");
}
