/**
 * 随手拍. The citizen is logged in silently at launch (`wx.login` →
 * `POST /auth/wechat`); WeChat's privacy prompt is answered by the guide on
 * the page that asked.
 */
import { ensureCitizen } from './api/auth';
import { listenForPrivacyPrompts } from './utils/privacy';

App({
  globalData: {},
  onLaunch() {
    listenForPrivacyPrompts();
    // Early, so that the first page's calls find a token; a failure here
    // (no network yet) is retried by the first call that needs one.
    ensureCitizen().catch(() => undefined);
  },
});
