import { VERDICT_JSON_SCHEMA } from '../../../functions/shared/src/verdict';
import { conform, minimalValue, validate, type JsonSchema } from '../src/core/json-schema';
import { renderAnswer, truncateAnswer } from '../src/core/answer';
import { brokenAnswer, mergeFaults, NO_FAULTS } from '../src/core/faults';

const verdictSchema = VERDICT_JSON_SCHEMA as unknown as JsonSchema;
const verdict = {
  status: 'warning' as const,
  hazards: [{ type: 'no_hard_hat' as const, description: 'd', confidence: 0.9 }],
  summary: 's',
};

describe('JSON schema subset', () => {
  it('validates the verdict schema and names what is wrong', () => {
    expect(validate(verdict, verdictSchema)).toEqual([]);
    expect(validate({ ...verdict, status: 'dangerous' }, verdictSchema)).toEqual([
      '$.status: not one of the enum values',
    ]);
    expect(validate({ status: 'safe', hazards: [{ type: 'fire', confidence: 2, extra: 1 }] }, verdictSchema)).toEqual(
      expect.arrayContaining([
        '$: missing required "summary"',
        '$.hazards[0]: missing required "description"',
        '$.hazards[0].confidence: above maximum 1',
        '$.hazards[0]: unexpected property "extra"',
      ]),
    );
  });

  it('bends any candidate into any schema of the subset', () => {
    const other: JsonSchema = {
      type: 'object',
      properties: {
        verdict: { type: 'string', enum: ['ok', 'bad'] },
        score: { type: 'integer', minimum: 1, maximum: 5 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
      },
      required: ['verdict', 'score', 'tags'],
      additionalProperties: false,
    };
    for (const c of [verdict, {}, { score: 9.7, tags: [1, 2, 3] }, 'text', null]) {
      expect(validate(conform(c, other), other)).toEqual([]);
    }
    expect(conform(verdict, verdictSchema)).toEqual(verdict);
    expect(validate(minimalValue(verdictSchema), verdictSchema)).toEqual([]);
  });

  it('renders json_schema answers that validate, and text answers as the summary', () => {
    const narrow: JsonSchema = {
      ...verdictSchema,
      properties: { ...verdictSchema.properties, summary: { type: 'string', maxLength: 3 } },
    };
    expect(validate(JSON.parse(renderAnswer(verdict, { type: 'json_schema', schema: narrow })), narrow)).toEqual([]);
    expect(renderAnswer(verdict, { type: 'text' })).toBe('s');
    // Qwen3 BPE: 'x' × 100 is 13 tokens of 8 x's (vocabulary fact); 5 tokens keep 40 characters.
    expect(truncateAnswer('x'.repeat(100), 5)).toEqual({ content: 'x'.repeat(40), finishReason: 'length' });
    expect(truncateAnswer('{"a":1}', 100)).toEqual({ content: '{"a":1}', finishReason: 'stop' });
  });
});

describe('faults', () => {
  it('merges valid switches and rejects bad ones by name', () => {
    expect(mergeFaults(NO_FAULTS, { breakSchema: 2, unhealthy: true })).toEqual({
      ...NO_FAULTS,
      breakSchema: 2,
      unhealthy: true,
    });
    expect(() => mergeFaults(NO_FAULTS, { breakSchema: -1 })).toThrow(/breakSchema/);
    expect(() => mergeFaults(NO_FAULTS, { nope: 1 })).toThrow(/nope/);
  });

  it('broken answers violate the verdict schema', () => {
    expect(validate(JSON.parse(brokenAnswer(0)), verdictSchema).length).toBeGreaterThan(0);
    expect(() => JSON.parse(brokenAnswer(1))).toThrow();
  });
});
