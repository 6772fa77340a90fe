/** Every form in which a careless store or history could leak a secret. */
export function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [secret, bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex'), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}
