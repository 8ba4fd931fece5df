/**
 * WeChat's privacy guide (用户隐私保护指引). Location and the camera are
 * asked for only after the person has agreed; WeChat's own prompt
 * (`wx.onNeedPrivacyAuthorization`) is answered by the guide on screen.
 */
type Resolve = (r: { event: 'agree' | 'disagree'; buttonId?: string }) => void;

let pending: Resolve | undefined;
const listeners = new Set<() => void>();

/** Called once by app.ts. */
export function listenForPrivacyPrompts(): void {
  if (!wx.onNeedPrivacyAuthorization) return;
  wx.onNeedPrivacyAuthorization((resolve) => {
    pending = resolve as unknown as Resolve;
    listeners.forEach((show) => show());
  });
}

/** A guide on screen registers to be shown on WeChat's prompt. */
export function onPrompt(show: () => void): () => void {
  listeners.add(show);
  return () => listeners.delete(show);
}

/** The person's answer, passed on to a waiting WeChat prompt. */
export function answer(agreed: boolean, buttonId?: string): void {
  if (pending) pending(agreed ? { event: 'agree', buttonId } : { event: 'disagree' });
  pending = undefined;
}

/** Whether the guide must be agreed before location or camera. */
export function needsAgreement(): Promise<boolean> {
  return new Promise((resolve) => {
    if (!wx.getPrivacySetting) return resolve(false);
    wx.getPrivacySetting({
      success: (r) => resolve(!!r.needAuthorization),
      fail: () => resolve(false),
    });
  });
}

/** Opens the full guide the city filled in on the 小程序后台. */
export function openGuide(): void {
  if (wx.openPrivacyContract) wx.openPrivacyContract({});
}
