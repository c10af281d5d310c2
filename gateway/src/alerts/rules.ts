import { readFileSync } from 'node:fs';
import { ALERT_SEVERITIES, LAYERS, type AlertSeverity } from '@sensegrid/twin';
import { z } from 'zod';
import { SensegridError } from '../errors.ts';
import { parseLinedDocument } from '../yaml-lines.ts';

/** Deadlines of one severity, each counted from the incident's first finding. */
export interface SlaSteps {
  dispatchMs: number;
  acceptMs: number;
  resolveMs: number;
}

/** One routing rule: every field given must match; the first matching rule wins. */
export interface DispatchRule {
  system?: string;
  region?: string;
  layer?: string;
  severity?: AlertSeverity[];
  department: string;
  autoDispatch: boolean;
  /** Where the rule stands, for the brief and errors: `rules[2]` or `built-in layer water`. */
  name: string;
}

/** Timing of correlation and the false-alarm feedback, in signal time. */
export interface AlertTiming {
  /** The condition counts as clear once no finding came for this long. */
  quietMs: number;
  /** A clear condition auto-resolves after this; findings before then reopen the same alert. */
  holdMs: number;
  /** After a false alarm, the same finding kind in the same place and layer is muted this long. */
  muteMs: number;
  /** A finding needs at least this score to open an alert; weaker ones only join open alerts. */
  openScore: number;
}

export interface AlertRules {
  defaultDepartment: string;
  rules: DispatchRule[];
  sla: Record<AlertSeverity, SlaSteps>;
  timing: AlertTiming;
}

const MINUTE = 60_000;

/** Layers to the departments that usually handle them. */
export const BUILT_IN_DEPARTMENTS: Record<string, string> = {
  air: 'environment',
  noise: 'environment',
  traffic: 'traffic-management',
  water: 'water-utility',
  power: 'power-utility',
  fire: 'fire-rescue',
  structure: 'public-works',
  crowd: 'public-safety',
  weather: 'emergency-management',
  netsec: 'it-security',
};

const steps = (dispatch: number, accept: number, resolve: number): SlaSteps => ({
  dispatchMs: dispatch * MINUTE,
  acceptMs: accept * MINUTE,
  resolveMs: resolve * MINUTE,
});

export const DEFAULT_SLA: Record<AlertSeverity, SlaSteps> = {
  critical: steps(5, 15, 120),
  major: steps(15, 45, 240),
  minor: steps(60, 180, 1440),
  warning: steps(240, 720, 4320),
};

export const DEFAULT_TIMING: AlertTiming = {
  quietMs: 15 * MINUTE,
  holdMs: 30 * MINUTE,
  muteMs: 60 * MINUTE,
  openScore: 0.4,
};

/** The rules without a file: each layer to its usual department, the rest to city operations. */
export function builtInRules(): AlertRules {
  return {
    defaultDepartment: 'city-operations',
    rules: Object.entries(BUILT_IN_DEPARTMENTS).map(([layer, department]) => ({
      layer,
      department,
      autoDispatch: false,
      name: `built-in layer ${layer}`,
    })),
    sla: DEFAULT_SLA,
    timing: DEFAULT_TIMING,
  };
}

const minutes = z.number().positive('must be a positive number of minutes');
const name = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits, _ . : -');
const layerIds = LAYERS.map((l) => l.id) as [string, ...string[]];
const severity = z.enum(ALERT_SEVERITIES);
const ruleSchema = z
  .object({
    system: name.optional(),
    region: name.optional(),
    layer: z.enum(layerIds).optional(),
    severity: z
      .union([severity, z.array(severity).min(1)], {
        error: `must be one of ${ALERT_SEVERITIES.join(', ')}, or a list of them`,
      })
      .optional(),
    department: name,
    autoDispatch: z.boolean().default(false),
  })
  .strict();
const slaSchema = z
  .object({ dispatchMinutes: minutes, acceptMinutes: minutes, resolveMinutes: minutes })
  .strict();
const fileSchema = z
  .object({
    default: name.default('city-operations'),
    /** Auto-dispatch for every rule that does not say otherwise. */
    autoDispatch: z.boolean().default(false),
    /** Append the built-in layer rules after the file's own (default true). */
    builtIn: z.boolean().default(true),
    rules: z.array(z.unknown()).default([]),
    sla: z.partialRecord(severity, slaSchema).default({}),
    timing: z
      .object({
        quietMinutes: minutes.optional(),
        holdMinutes: minutes.optional(),
        muteMinutes: minutes.optional(),
        openScore: z.number().min(0).max(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Reads and checks a rules file (YAML or JSON); every problem is reported with its line. */
export function loadAlertRules(path: string): AlertRules {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw rulesError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseAlertRules(text, path);
}

/** Parses rules from text; `source` names the file in errors. */
export function parseAlertRules(text: string, source = 'alert rules'): AlertRules {
  const doc = parseLinedDocument(text);
  if (doc.syntaxErrors.length > 0) throw rulesError(source, doc.syntaxErrors);
  const { lineOf, describe } = doc;
  const raw = (doc.value ?? {}) as { rules?: unknown; autoDispatch?: unknown };
  const top = fileSchema.safeParse(raw);
  const problems = top.success ? [] : top.error.issues.map((i) => describe(i));
  const defaultAuto = raw.autoDispatch === true;
  const rules: DispatchRule[] = [];
  (Array.isArray(raw.rules) ? (raw.rules as unknown[]) : []).forEach((raw, index) => {
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => describe(i, ['rules', index])));
      return;
    }
    const { severity: sev, autoDispatch, ...rest } = parsed.data;
    const given = raw as { autoDispatch?: unknown };
    rules.push({
      ...rest,
      ...(sev ? { severity: Array.isArray(sev) ? sev : [sev] } : {}),
      autoDispatch: given.autoDispatch === undefined ? defaultAuto : autoDispatch,
      name: `rules[${index}] (${lineOf(['rules', index])})`,
    });
  });
  if (problems.length > 0 || !top.success) throw rulesError(source, problems);
  const file = top.data;
  const builtIn = builtInRules();
  const sla = { ...DEFAULT_SLA };
  for (const [level, s] of Object.entries(file.sla)) {
    if (s)
      sla[level as AlertSeverity] = steps(s.dispatchMinutes, s.acceptMinutes, s.resolveMinutes);
  }
  const t = file.timing;
  return {
    defaultDepartment: file.default,
    rules: file.builtIn
      ? [...rules, ...builtIn.rules.map((r) => ({ ...r, autoDispatch: file.autoDispatch }))]
      : rules,
    sla,
    timing: {
      quietMs: (t.quietMinutes ?? DEFAULT_TIMING.quietMs / MINUTE) * MINUTE,
      holdMs: (t.holdMinutes ?? DEFAULT_TIMING.holdMs / MINUTE) * MINUTE,
      muteMs: (t.muteMinutes ?? DEFAULT_TIMING.muteMs / MINUTE) * MINUTE,
      openScore: t.openScore ?? DEFAULT_TIMING.openScore,
    },
  };
}

function rulesError(source: string, problems: string[]): SensegridError {
  return new SensegridError(
    'SENSEGRID_ALERT_RULES_INVALID',
    `alert rules ${source}:\n  - ${problems.join('\n  - ')}`,
    '\nFix the rules file named by --alert-rules (SENSEGRID_ALERT_RULES); the README shows its format.',
  );
}

/** What a rule match needs to know of an alert. */
export interface RoutedAlert {
  layer: string;
  severity: AlertSeverity;
  regions: Record<string, { id: string }>;
}

/** The first rule matching the alert, or the default department. */
export function routeAlert(
  rules: AlertRules,
  alert: RoutedAlert,
): { department: string; autoDispatch: boolean; rule: string } {
  for (const rule of rules.rules) {
    if (rule.layer !== undefined && rule.layer !== alert.layer) continue;
    if (rule.severity !== undefined && !rule.severity.includes(alert.severity)) continue;
    if (rule.system !== undefined) {
      const region = alert.regions[rule.system];
      if (!region || (rule.region !== undefined && region.id !== rule.region)) continue;
    } else if (rule.region !== undefined) {
      if (!Object.values(alert.regions).some((r) => r.id === rule.region)) continue;
    }
    return { department: rule.department, autoDispatch: rule.autoDispatch, rule: rule.name };
  }
  return { department: rules.defaultDepartment, autoDispatch: false, rule: 'default' };
}
