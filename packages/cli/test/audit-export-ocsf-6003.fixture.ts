// What OCSF requires of an API Activity event (class_uid 6003, category 6, Application Activity), encoded from the
// OCSF schema 1.1.0 (https://schema.ocsf.io/1.1.0/classes/api_activity; ocsf/ocsf-schema events/base_event.json,
// events/application/api_activity.json and the objects they name). Keep in step with OCSF_SCHEMA_VERSION.

export const OCSF_VERSION = '1.1.0';

/** Attributes with requirement "required": the base event's, the class's, and those of the objects they hold. */
export const REQUIRED_PATHS: readonly string[] = [
  // base_event (+ classification and occurrence traits)
  'activity_id', 'category_uid', 'class_uid', 'type_uid', 'severity_id', 'time', 'metadata',
  // api_activity
  'actor', 'api', 'src_endpoint',
  // metadata object; product object; api object
  'metadata.product', 'metadata.version', 'metadata.product.vendor_name', 'api.operation',
  // cloud profile (declared in metadata.profiles): the cloud object and its provider
  'cloud', 'cloud.provider',
];

/** Objects whose schema requires at least one of these attributes ("constraints": {"at_least_one": […]}). */
export const AT_LEAST_ONE: Readonly<Record<string, readonly string[]>> = {
  actor: ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'],
  'actor.user': ['account', 'name', 'uid'],
  src_endpoint: ['ip', 'uid', 'name', 'hostname', 'svc_name', 'instance_uid', 'interface_uid', 'interface_name', 'domain'],
};

/** Enumerations as the 1.1.0 dictionary defines them for this class. */
export const ENUMS: Readonly<Record<string, readonly number[]>> = {
  class_uid: [6003],
  category_uid: [6],
  activity_id: [0, 1, 2, 3, 4, 99],
  severity_id: [0, 1, 2, 3, 4, 5, 6, 99],
  status_id: [0, 1, 2, 99],
  'actor.user.type_id': [0, 1, 2, 3, 99],
};

/** Every problem with `event` as a 6003 event of OCSF 1.1.0; empty when it conforms to the rules above. */
export function ocsfProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const at = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], event);
  for (const path of REQUIRED_PATHS) if (at(path) === undefined || at(path) === null) problems.push(`${path} is required`);
  for (const [path, options] of Object.entries(AT_LEAST_ONE)) {
    const object = at(path) as Record<string, unknown> | undefined;
    if (object !== undefined && !options.some((o) => object[o] !== undefined)) problems.push(`${path} needs one of ${options.join(', ')}`);
  }
  for (const [path, values] of Object.entries(ENUMS)) {
    const value = at(path);
    if (value !== undefined && !values.includes(value as number)) problems.push(`${path} ${String(value)} is not one of ${values.join(', ')}`);
  }
  if (at('type_uid') !== (at('class_uid') as number) * 100 + (at('activity_id') as number)) problems.push('type_uid is not class_uid * 100 + activity_id');
  if (!Number.isSafeInteger(at('time'))) problems.push('time is not a timestamp_t (integer milliseconds since the epoch)');
  if (at('metadata.version') !== OCSF_VERSION) problems.push(`metadata.version is not ${OCSF_VERSION}`);
  return problems;
}
