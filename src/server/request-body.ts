/** Whether a request's content type is one an HTML form sends. */
export const isForm = (type: string | undefined): boolean =>
  !!type && /^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)

/** The request body as a plain object, or undefined when it is neither valid JSON nor a form. */
export async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? ''
  try {
    if (/^application\/json/i.test(type)) return await request.json()
    if (isForm(type)) return Object.fromEntries((await request.formData()).entries())
  } catch {
    return undefined
  }
  return undefined
}
