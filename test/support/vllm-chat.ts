import { ModelVerdictSchema, VERDICT_JSON_SCHEMA, type ModelVerdict } from '../../functions/shared/src/verdict';

/**
 * One chat completion POSTed to vllm-sim (or any OpenAI-compatible server) as the sim tests send
 * it: the body as given, JSON in and out. Returns the status with the parsed answer, since these
 * tests assert on refusals (a 400 and its message) as much as on verdicts.
 */
export async function postChat(baseUrl: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The verdict text of a successful chat completion. */
export function answerText(json: { choices: { message: { content: string } }[] }): string {
  return json.choices[0]!.message.content;
}

/**
 * Asks for a verdict on `content` (the clip's parts) with the full verdict schema, as the scene
 * tests do, and returns it parsed; any answer but a 200 with a valid verdict throws with the body.
 */
export async function askVerdict(baseUrl: string, model: string, content: unknown[]): Promise<ModelVerdict> {
  const { status, json } = await postChat(baseUrl, {
    model,
    messages: [
      { role: 'system', content: 'CCTV safety monitor. Answer with JSON.' },
      { role: 'user', content: [...content, { type: 'text', text: 'Assess this clip.' }] },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema: VERDICT_JSON_SCHEMA } },
  });
  if (status !== 200) throw new Error(`chat completion answered ${status}: ${JSON.stringify(json)}`);
  return ModelVerdictSchema.parse(JSON.parse(answerText(json)));
}
