/**
 * The privacy guide. On `attached` it asks WeChat whether the person must
 * still agree; it fires `decided` with `{ agreed }` once they have (at once
 * when nothing is needed), and shows itself again on WeChat's prompt.
 */
import { answer, needsAgreement, onPrompt, openGuide } from '../../utils/privacy';

Component({
  data: { show: false },
  lifetimes: {
    attached() {
      const self = this as unknown as { off?: () => void };
      self.off = onPrompt(() => this.setData({ show: true }));
      needsAgreement().then((need) => {
        if (need) this.setData({ show: true });
        else this.triggerEvent('decided', { agreed: true, already: true });
      });
    },
    detached() {
      const self = this as unknown as { off?: () => void };
      if (self.off) self.off();
    },
  },
  methods: {
    agree(e: WechatMiniprogram.CustomEvent) {
      this.setData({ show: false });
      answer(true, (e && e.currentTarget && e.currentTarget.id) || 'privacy-agree');
      this.triggerEvent('decided', { agreed: true });
    },
    disagree() {
      this.setData({ show: false });
      answer(false);
      this.triggerEvent('decided', { agreed: false });
    },
    openGuide() {
      openGuide();
    },
  },
});
