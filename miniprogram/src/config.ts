/**
 * What a city sets before publishing (see the README, "The mini-program").
 *
 * A deployment through a third-party platform can instead give these in
 * `ext.json` (`wx.getExtConfigSync()`), which wins over the values here.
 */
const defaults = {
  /** The server, without a trailing slash. List it in the 小程序后台 under
   * request, uploadFile and downloadFile 合法域名. */
  baseUrl: 'https://ssp.example.gov.cn',
  /** 订阅消息 template ids for status changes (the server's
   * SSP_WECHAT__SUBSCRIBE_TEMPLATE_ID); empty: nothing is asked. */
  subscribeTemplateIds: [] as string[],
  /** Where the map opens when the phone gives no location (the city's
   * centre, GCJ-02). */
  mapCenter: { lat: 40.8175, lng: 111.7652 },
};

export type Config = typeof defaults;

/** The configuration in force: ext.json's values over the defaults. */
export function config(): Config {
  let ext: Partial<Config> = {};
  try {
    ext = (wx.getExtConfigSync ? wx.getExtConfigSync() : {}) as Partial<Config>;
  } catch {
    ext = {};
  }
  return {
    baseUrl: (ext.baseUrl || defaults.baseUrl).replace(/\/+$/, ''),
    subscribeTemplateIds: ext.subscribeTemplateIds || defaults.subscribeTemplateIds,
    mapCenter: ext.mapCenter || defaults.mapCenter,
  };
}
