// The differential test's driver for the reference simulator, the npm package
// @cloud-copilot/iam-simulate (AGPL-3.0). It is test tooling: run as a separate process by
// internal/casegen's tests and by `run` beside this file, installed from this folder's
// package-lock.json into a cache outside the repository; never imported, vendored or shipped.
//
//   node driver.mjs CASES.json     a JSON array of request cases (eval/testdata/conformance/FORMAT.md)
//                                  -> a JSON array of {id, decision, error, warnings, raw}, in order
//
// decision is Allowed, ImplicitlyDenied or ExplicitlyDenied; error says why a case could not be
// decided; warnings say where the simulator read the request context otherwise than it was
// written (a key it dropped, a list where it takes one value), so that the test does not
// compare such a case; raw is the simulator's own answer without its statement objects.
import { readFileSync } from 'node:fs';
import {
  anonymousPrincipal,
  isConditionKeyArray,
  runSimulation,
  typeForContextKey
} from '@cloud-copilot/iam-simulate';

const caseFields = ['id', 'description', 'expect', 'request', 'identityPolicies', 'resourcePolicy',
  'permissionBoundaries', 'scps', 'rcps', 'sessionPolicy', 'vpcEndpointPolicies',
  'principalAccount', 'resourceAccount', 's3', 'mode', 'note', 'oracleKnownWrong'];
const requestFields = ['principal', 'action', 'resource', 'context', 'resourceAccount'];

// Refusal marks a case the driver cannot hand to the simulator as written.
class Refusal extends Error {}

function refuse(msg) {
  throw new Refusal(msg);
}

function onlyFields(obj, allowed, what) {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) refuse(`unknown ${what} field: ${k}`);
  }
}

// documentOf reads a policy given as an object or as JSON text.
function documentOf(value, where) {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value);
    } catch (e) {
      refuse(`${where}: policy text is not JSON: ${e.message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    refuse(`${where}: a policy is an object or JSON text`);
  }
  return value;
}

// namedPolicy reads a bare document or {"name", "policy"}.
function namedPolicy(entry, name) {
  const wrapped = entry !== null && typeof entry === 'object' && !Array.isArray(entry) &&
    'policy' in entry && !('Statement' in entry);
  if (wrapped) return { name: String(entry.name ?? name), policy: documentOf(entry.policy, name) };
  return { name, policy: documentOf(entry, name) };
}

function namedList(list, prefix, field) {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) refuse(`${field}: a list of policies, or null`);
  return list.map((p, i) => namedPolicy(p, `${prefix}[${i}]`));
}

// levels reads SCPs or RCPs: a list of organization levels, each a list of policies.
function levels(list, kind) {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) refuse(`${kind}s: a list of levels, or null`);
  return list.map((level, i) => {
    if (!Array.isArray(level)) refuse(`${kind}s[${i}]: a level is a list of policies`);
    return {
      orgIdentifier: `${kind}-level-${i}`,
      policies: level.map((p, j) => namedPolicy(p, `${kind}[${i}][${j}]`))
    };
  });
}

function accountOf(arn) {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[0] === 'arn' && parts[4] !== '' ? parts[4] : undefined;
}

// contextOf writes every value as text, and lists of values as lists of text.
function contextOf(ctx) {
  const out = {};
  if (ctx === undefined || ctx === null) return out;
  if (typeof ctx !== 'object' || Array.isArray(ctx)) refuse('request.context: an object');
  for (const [key, value] of Object.entries(ctx)) {
    if (Array.isArray(value)) out[key] = value.map(String);
    else if (value !== null && typeof value === 'object') refuse(`context key ${key}: a value or a list of values`);
    else if (value === null) refuse(`context key ${key}: null is not a value`);
    else out[key] = String(value);
  }
  return out;
}

// simulationOf builds the simulator's input from one case.
function simulationOf(c) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) refuse('a case is an object');
  onlyFields(c, caseFields, 'case');
  const r = c.request;
  if (r === null || typeof r !== 'object') refuse('request: required');
  onlyFields(r, requestFields, 'request');
  if (typeof r.action !== 'string') refuse('request.action: a string');
  if (typeof r.resource !== 'string') refuse('request.resource: a string');
  const anonymous = r.principal === 'anonymous' || r.principal === null ||
    (typeof r.principal === 'object' && r.principal?.type === 'Anonymous');
  if (!anonymous && typeof r.principal !== 'string') refuse('request.principal: an ARN, a service or "anonymous"');
  // The simulator takes the caller's account from its ARN alone.
  const callerAccount = anonymous ? undefined : accountOf(r.principal);
  if (c.principalAccount !== undefined && c.principalAccount !== null &&
      String(c.principalAccount) !== callerAccount) {
    refuse(`principalAccount ${c.principalAccount} is not the account of the principal's ARN`);
  }
  const resourceAccount = String(c.resourceAccount ?? r.resourceAccount ?? accountOf(r.resource) ?? callerAccount ?? '');
  if (resourceAccount === '') refuse('resourceAccount: required where neither ARN names an account');
  const sim = {
    request: {
      principal: anonymous ? anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: resourceAccount },
      contextVariables: contextOf(r.context)
    },
    identityPolicies: namedList(c.identityPolicies, 'identity', 'identityPolicies') ?? [],
    serviceControlPolicies: levels(c.scps, 'scp'),
    resourceControlPolicies: levels(c.rcps, 'rcp')
  };
  if (c.resourcePolicy !== undefined && c.resourcePolicy !== null) {
    sim.resourcePolicy = documentOf(c.resourcePolicy, 'resourcePolicy');
  }
  const boundaries = namedList(c.permissionBoundaries, 'boundary', 'permissionBoundaries');
  if (boundaries) sim.permissionBoundaryPolicies = boundaries;
  if (c.sessionPolicy !== undefined && c.sessionPolicy !== null) {
    sim.sessionPolicy = documentOf(c.sessionPolicy, 'sessionPolicy');
  }
  const endpoints = namedList(c.vpcEndpointPolicies, 'vpce', 'vpcEndpointPolicies');
  if (endpoints) sim.vpcEndpointPolicies = endpoints;
  if (c.s3) {
    const s3 = {};
    if (c.s3.blockPublicAccess !== undefined) s3.blockPublicAccess = Boolean(c.s3.blockPublicAccess);
    if (c.s3.bucketAbacEnabled !== undefined) s3.bucketAbacEnabled = Boolean(c.s3.bucketAbacEnabled);
    sim.additionalSettings = { s3 };
  }
  return sim;
}

// contextWarnings names the keys the simulator did not read as written.
async function contextWarnings(ctx, ignored = []) {
  const out = ignored.map((k) => `context key ${k} was dropped by the simulator`);
  for (const [key, value] of Object.entries(ctx)) {
    if (ignored.includes(key)) continue;
    let type;
    try {
      type = await typeForContextKey(key.toLowerCase());
    } catch {
      continue; // a key the simulator does not know: it reads it as written
    }
    const many = isConditionKeyArray(type);
    if (Array.isArray(value) && !many) out.push(`context key ${key} takes one value (${type}); the simulator used the first`);
    if (!Array.isArray(value) && many) out.push(`context key ${key} takes a list (${type}); the simulator read one value as a list`);
  }
  return out;
}

async function decide(c) {
  const id = c !== null && typeof c === 'object' ? c.id ?? null : null;
  let sim;
  try {
    sim = simulationOf(c);
  } catch (e) {
    if (e instanceof Refusal) return { id, decision: null, error: `bad case: ${e.message}` };
    throw e;
  }
  let answer;
  try {
    answer = await runSimulation(sim, { simulationMode: c.mode === 'Discovery' ? 'Discovery' : 'Strict' });
  } catch (e) {
    return { id, decision: null, error: `the simulator threw: ${e?.message ?? e}` };
  }
  if (answer.resultType === 'error') {
    return { id, decision: null, error: `the simulator refused the case: ${answer.errors.message}`, raw: answer.errors };
  }
  const raw = JSON.parse(JSON.stringify(answer, (k, v) => (k === 'statement' || k === 'explain' ? undefined : v)));
  const out = { id, decision: answer.overallResult, raw };
  const first = answer.resultType === 'single' ? answer.result : answer.results?.[0];
  const warnings = await contextWarnings(sim.request.contextVariables, first?.ignoredContextKeys);
  if (warnings.length > 0) out.warnings = warnings;
  return out;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node driver.mjs CASES.json');
  process.exit(2);
}
let cases;
try {
  cases = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
if (!Array.isArray(cases)) {
  console.error(`${file}: not a JSON array of cases`);
  process.exit(1);
}
const results = [];
for (const c of cases) results.push(await decide(c));
process.stdout.write(JSON.stringify(results) + '\n');
