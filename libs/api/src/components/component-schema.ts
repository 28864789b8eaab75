/**
 * Message components (developer docs, "Message Components"): action rows of
 * buttons or one select menu on a message, text inputs in a modal. Checked
 * as Discord checks them, with 50035 naming the field; stored as sent.
 * Components V2 (sections, containers, text displays: flag IS_COMPONENTS_V2)
 * are refused with 50035 until this server supports them.
 */
import { ButtonStyle, ComponentType, TextInputStyle } from 'discord-api-types/v10';
import { z } from 'zod';
import { fieldIssue } from '../validation';

export const ComponentLimits = {
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  selectOptions: 25,
  selectOptionText: 100,
  placeholder: 150,
  modalTitle: 45,
  textInputLabel: 45,
  textInputValue: 4000,
  textInputPlaceholder: 100,
} as const;

const customId = z.string().min(1).max(ComponentLimits.customId);
const componentId = z.number().int().min(0).max(2_147_483_647).nullish();
const emoji = z.strictObject({ id: z.string().regex(/^\d{1,20}$/).nullish(), name: z.string().max(32).nullish(), animated: z.boolean().nullish() });

const button = z.strictObject({
  type: z.literal(ComponentType.Button),
  id: componentId,
  style: z.number().int().min(ButtonStyle.Primary).max(ButtonStyle.Link),
  label: z.string().max(ComponentLimits.buttonLabel).nullish(),
  emoji: emoji.nullish(),
  custom_id: customId.nullish(),
  url: z.string().max(512).url().nullish(),
  disabled: z.boolean().nullish(),
});

const selectBase = {
  id: componentId,
  custom_id: customId,
  placeholder: z.string().max(ComponentLimits.placeholder).nullish(),
  min_values: z.number().int().min(0).max(ComponentLimits.selectOptions).nullish(),
  max_values: z.number().int().min(1).max(ComponentLimits.selectOptions).nullish(),
  disabled: z.boolean().nullish(),
};

const stringSelect = z.strictObject({
  ...selectBase,
  type: z.literal(ComponentType.StringSelect),
  options: z
    .array(
      z.strictObject({
        label: z.string().min(1).max(ComponentLimits.selectOptionText),
        value: z.string().min(1).max(ComponentLimits.selectOptionText),
        description: z.string().max(ComponentLimits.selectOptionText).nullish(),
        emoji: emoji.nullish(),
        default: z.boolean().nullish(),
      }),
    )
    .min(1)
    .max(ComponentLimits.selectOptions),
});

const defaultValue = z.strictObject({ id: z.string().regex(/^\d{1,20}$/), type: z.enum(['user', 'role', 'channel']) });
const entitySelect = z.strictObject({
  ...selectBase,
  type: z.union([z.literal(ComponentType.UserSelect), z.literal(ComponentType.RoleSelect), z.literal(ComponentType.MentionableSelect), z.literal(ComponentType.ChannelSelect)]),
  default_values: z.array(defaultValue).max(ComponentLimits.selectOptions).nullish(),
  channel_types: z.array(z.number().int().min(0).max(16)).nullish(),
});

const textInput = z.strictObject({
  type: z.literal(ComponentType.TextInput),
  id: componentId,
  custom_id: customId,
  style: z.union([z.literal(TextInputStyle.Short), z.literal(TextInputStyle.Paragraph)]),
  label: z.string().min(1).max(ComponentLimits.textInputLabel),
  min_length: z.number().int().min(0).max(ComponentLimits.textInputValue).nullish(),
  max_length: z.number().int().min(1).max(ComponentLimits.textInputValue).nullish(),
  required: z.boolean().nullish(),
  value: z.string().max(ComponentLimits.textInputValue).nullish(),
  placeholder: z.string().max(ComponentLimits.textInputPlaceholder).nullish(),
});

const messageChild = z.discriminatedUnion('type', [button, stringSelect, entitySelect]);
const messageRow = z.strictObject({ type: z.literal(ComponentType.ActionRow), id: componentId, components: z.array(messageChild).min(1).max(ComponentLimits.buttonsPerRow) });
const modalRow = z.strictObject({ type: z.literal(ComponentType.ActionRow), id: componentId, components: z.array(textInput).length(1) });
/** A label around a text input (the newer modal layout; the input then has no label of its own). */
const modalLabel = z.strictObject({
  type: z.literal(ComponentType.Label),
  id: componentId,
  label: z.string().min(1).max(ComponentLimits.textInputLabel),
  description: z.string().max(100).nullish(),
  component: textInput.extend({ label: z.string().max(ComponentLimits.textInputLabel).nullish() }),
});
/** Static text in a modal. */
const modalText = z.strictObject({ type: z.literal(ComponentType.TextDisplay), id: componentId, content: z.string().min(1).max(4000) });

type MessageRow = z.infer<typeof messageRow>;

/** The rules between fields of a message's rows. */
function checkMessageRows(rows: readonly MessageRow[], ctx: z.RefinementCtx): void {
  const ids = new Set<string>();
  const numbers = new Set<number>();
  const numbered = (id: number | null | undefined, path: (string | number)[]) => {
    if (id === null || id === undefined) return;
    if (numbers.has(id)) fieldIssue(ctx, [...path, 'id'], 'COMPONENT_ID_DUPLICATED', 'Component ids must be unique in a message');
    numbers.add(id);
  };
  rows.forEach((row, r) => {
    numbered(row.id, [r]);
    row.components.forEach((component, c) => numbered(component.id, [r, 'components', c]));
    const selects = row.components.filter((c) => c.type !== ComponentType.Button).length;
    if (selects > 0 && row.components.length > 1) fieldIssue(ctx, [r, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'A select menu must be alone in its action row');
    row.components.forEach((component, c) => {
      const at = [r, 'components', c];
      const id = component.custom_id ?? undefined;
      if (id !== undefined) {
        if (ids.has(id)) fieldIssue(ctx, [...at, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        ids.add(id);
      }
      if (component.type === ComponentType.Button) {
        const link = component.style === ButtonStyle.Link;
        if (link && !component.url) fieldIssue(ctx, [...at, 'url'], 'BASE_TYPE_REQUIRED', 'Link buttons need a url');
        if (link && component.custom_id) fieldIssue(ctx, [...at, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'Link buttons cannot have a custom_id');
        if (!link && !component.custom_id) fieldIssue(ctx, [...at, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
        if (!link && component.url) fieldIssue(ctx, [...at, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'Only link buttons have a url');
        if (!component.label && !component.emoji) fieldIssue(ctx, [...at, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A button needs a label or an emoji');
        return;
      }
      const min = component.min_values ?? 1;
      const max = component.max_values ?? 1;
      if (min > max) fieldIssue(ctx, [...at, 'min_values'], 'NUMBER_TYPE_MAX', 'min_values must not exceed max_values');
      if (component.type === ComponentType.StringSelect) {
        if (max > component.options.length) fieldIssue(ctx, [...at, 'max_values'], 'NUMBER_TYPE_MAX', 'max_values must not exceed the number of options');
        const values = new Set<string>();
        component.options.forEach((option, o) => {
          if (values.has(option.value)) fieldIssue(ctx, [...at, 'options', o, 'value'], 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Select option values must be unique');
          values.add(option.value);
        });
      } else if ((component.channel_types ?? []).length > 0 && component.type !== ComponentType.ChannelSelect) {
        fieldIssue(ctx, [...at, 'channel_types'], 'BASE_TYPE_INVALID', 'channel_types only applies to channel selects');
      }
    });
  });
}

/** A message's `components`: up to five action rows. */
export const messageComponentsSchema = z.array(messageRow).max(ComponentLimits.rows).superRefine(checkMessageRows);

/** A modal (interaction callback type 9): a title, a custom id and one to five rows of one text input each. */
export const modalSchema = z.strictObject({
  custom_id: customId,
  title: z.string().min(1).max(ComponentLimits.modalTitle),
  components: z.array(z.discriminatedUnion('type', [modalRow, modalLabel, modalText])).min(1).max(ComponentLimits.rows),
});

/** One text input of a modal, as a submission is checked against it. */
export interface ModalInput {
  customId: string;
  label: string;
  required: boolean;
  minLength?: number;
  maxLength?: number;
}

/** The text inputs of a parsed modal, whether in action rows or labels. */
export function modalInputs(modal: z.output<typeof modalSchema>): ModalInput[] {
  const inputs: ModalInput[] = [];
  for (const part of modal.components) {
    const input = part.type === ComponentType.ActionRow ? part.components[0] : part.type === ComponentType.Label ? part.component : undefined;
    if (!input) continue;
    const label = part.type === ComponentType.Label ? part.label : (input.label ?? '');
    inputs.push({ customId: input.custom_id, label, required: input.required ?? true, ...(input.min_length != null ? { minLength: input.min_length } : {}), ...(input.max_length != null ? { maxLength: input.max_length } : {}) });
  }
  return inputs;
}

/**
 * Components as stored and returned, the way Discord returns them: nulls
 * left out, every component numbered (`id`, counting up through the tree and
 * skipping the numbers given), and a select's min_values / max_values filled
 * with their default of 1.
 */
export function componentsJsonOf(components: unknown[] | null | undefined): string {
  const tree = withoutNulls(components ?? []) as Record<string, unknown>[];
  const taken = new Set<number>();
  walk(tree, (c) => typeof c.id === 'number' && taken.add(c.id));
  let next = 1;
  walk(tree, (c) => {
    if (typeof c.id !== 'number') {
      while (taken.has(next)) next += 1;
      c.id = next;
      taken.add(next);
    }
    if (typeof c.type === 'number' && SELECT_TYPES.has(c.type)) {
      c.min_values ??= 1;
      c.max_values ??= 1;
    }
  });
  return JSON.stringify(tree);
}

const SELECT_TYPES: ReadonlySet<number> = new Set([ComponentType.StringSelect, ComponentType.UserSelect, ComponentType.RoleSelect, ComponentType.MentionableSelect, ComponentType.ChannelSelect]);

function walk(components: Record<string, unknown>[], visit: (component: Record<string, unknown>) => void): void {
  for (const component of components) {
    visit(component);
    if (Array.isArray(component.components)) walk(component.components as Record<string, unknown>[], visit);
  }
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
  return value;
}

/** What an interaction with a stored component needs to know of it. */
export interface StoredComponent {
  type: number;
  disabled: boolean;
  /** A string select's option values. */
  values?: string[];
  minValues?: number;
  maxValues?: number;
}

/** A stored message's components by custom id. */
export function componentsByCustomId(componentsJson: string): Map<string, StoredComponent> {
  const out = new Map<string, StoredComponent>();
  type Stored = { type: number; custom_id?: string; disabled?: boolean; options?: { value: string }[]; min_values?: number; max_values?: number; components?: Stored[] };
  walk(JSON.parse(componentsJson) as Record<string, unknown>[], (raw) => {
    const c = raw as unknown as Stored;
    if (!c.custom_id) return;
    out.set(c.custom_id, {
      type: c.type,
      disabled: c.disabled === true,
      ...(c.options ? { values: c.options.map((o) => o.value) } : {}),
      ...(c.min_values !== undefined ? { minValues: c.min_values } : {}),
      ...(c.max_values !== undefined ? { maxValues: c.max_values } : {}),
    });
  });
  return out;
}
