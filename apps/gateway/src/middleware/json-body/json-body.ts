import { createMiddleware } from 'hono/factory';
import { JSON_MAX_DEPTH, checkJsonText, invalidRequestFrom } from '@aigw/core';
import { optionalCaller, type GatewayEnv } from '../../context.ts';

/** The body limit of routes with no tenant (the operator's): far above any key's JSON. */
export const OPERATOR_MAX_BODY_BYTES = 64 * 1024;

/** The media types Hono's JSON validator parses (`application/json`, `application/*+json`). */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Bounds a JSON body before the route's validator parses it: at most `JSON_MAX_DEPTH` levels of
 * nesting and the tenant's `limits.maxBodyBytes`, else `400 invalid_request` naming the path of the
 * first value too deep. Nothing after it (Zod, hashing, canonical JSON, storage) ever walks a
 * value past those bounds.
 *
 * The text it reads stays in Hono's body cache, so the validator parses it once, from memory.
 * Mount it in a route's `middleware` (route middleware runs before the validators). `POST
 * /tools/{name}` does not: its body is a tool's arguments, bounded by the tool dispatcher so the
 * refusal is `invalid_tool_arguments` and audited like any refused call.
 */
export const jsonBody = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(mediaType)) return next();
    const issue = checkJsonText(await c.req.text(), {
      maxDepth: JSON_MAX_DEPTH,
      maxBytes: optionalCaller(c).tenant?.limits.maxBodyBytes ?? OPERATOR_MAX_BODY_BYTES,
    });
    if (issue !== undefined) throw invalidRequestFrom([issue]);
    return next();
  });
