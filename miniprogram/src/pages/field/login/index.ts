/**
 * A unit's field worker logs in: with the account's password, or with one
 * tap once the account is bound to this WeChat. After a password login the
 * page offers the binding, so that the next login is one tap.
 */
import { api } from '../../../api/index';
import { staffLogout, staffPasswordLogin, staffWechatLogin, wxCode } from '../../../api/auth';
import { ApiError } from '../../../api/client';

interface Data {
  username: string;
  password: string;
  busy: boolean;
  error: string;
  offerBind: boolean;
}

Page({
  data: { username: '', password: '', busy: false, error: '', offerBind: false } as Data,

  onUsername(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ username: e.detail.value || '' });
  },

  onPassword(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
    this.setData({ password: e.detail.value || '' });
  },

  async withPassword() {
    const d = this.data as Data;
    if (d.busy) return;
    if (!d.username.trim() || !d.password) {
      this.setData({ error: '请输入账号和密码' });
      return;
    }
    this.setData({ busy: true, error: '' });
    try {
      const s = await staffPasswordLogin(d.username.trim(), d.password);
      if (s.user.role !== 'unit_member') {
        staffLogout();
        this.setData({ busy: false, password: '', error: '这是指挥中心账号，请在电脑上使用管理后台' });
        return;
      }
      // The password stays on this page until the binding is decided: the
      // server asks for it again to bind.
      this.setData({ busy: false, offerBind: true });
    } catch (e) {
      this.setData({ busy: false, error: (e as ApiError).message });
    }
  },

  async withWechat() {
    if ((this.data as Data).busy) return;
    this.setData({ busy: true, error: '' });
    try {
      const s = await staffWechatLogin();
      if (s.user.role !== 'unit_member') {
        staffLogout();
        this.setData({ busy: false, error: '这是指挥中心账号，请在电脑上使用管理后台' });
        return;
      }
      this.setData({ busy: false });
      this.done();
    } catch (e) {
      const err = e as ApiError;
      this.setData({ busy: false, error: err.code === 'wechat_not_bound' ? '此微信还没有绑定单位账号，请先用密码登录并绑定' : err.message });
    }
  },

  async bind() {
    this.setData({ busy: true, error: '' });
    try {
      await api.bindWechat(await wxCode(), (this.data as Data).password);
      wx.showToast({ title: '已绑定，下次可一键登录', icon: 'none' });
      this.setData({ busy: false, password: '' });
      this.done();
    } catch (e) {
      this.setData({ busy: false, error: (e as ApiError).message });
    }
  },

  skipBind() {
    this.setData({ password: '' });
    this.done();
  },

  done() {
    wx.redirectTo({ url: '/pages/field/inbox/index' });
  },
});
