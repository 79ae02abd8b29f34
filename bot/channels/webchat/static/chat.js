/* HueBot web chat client: plain ES2020, no dependencies, no build step.
 *
 * Talks to the same-origin API (the chat is identified by an HttpOnly cookie):
 *   POST /api/chat/messages  {id, text|choice|location, locale} -> {replies: [Reply], language}
 *   POST /api/chat/photos    multipart: id, locale, caption?, file+ -> {replies: [Reply], language}
 *   GET  /api/chat/inbox?after=N -> {messages: [{id, reply: Reply}], language}
 * Reply = {text, choices: [{label, payload}], ask_location, image_url}.
 * `language` is the chat's language as the server keeps it ("vi", "en", or null for a
 * chat that has never written): the page follows it, so `/lang en` typed in the chat,
 * or chosen on another device, switches the page too.
 * Text from the server is only ever put in the page with textContent, never as HTML.
 */
(() => {
  'use strict';

  // ---------------------------------------------------------------- settings

  const API = {
    messages: '/api/chat/messages',
    photos: '/api/chat/photos',
    inbox: '/api/chat/inbox',
  };
  const LIMITS = {
    textChars: 2000,
    counterFrom: 1800,
    fileBytes: 10 * 1024 * 1024,
    filesPerMessage: 6,
    transcript: 200,
  };
  const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'];
  const ACCEPTED_EXT = /\.(jpe?g|png|webp|heic|heif)$/i;
  const POLL_MS = 20000;
  const SEND_TIMEOUT_MS = 30000;
  const UPLOAD_TIMEOUT_MS = 180000;
  const GEO_OPTIONS = { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 };
  const KEYS = {
    locale: 'huebot.locale',
    transcript: 'huebot.transcript.v1',
    inboxAfter: 'huebot.inboxAfter',
  };

  // ----------------------------------------------------------------- strings

  const STRINGS = {
    vi: {
      pageTitle: 'HueBot — Phản ánh hiện trường Huế',
      service: 'Phản ánh hiện trường Huế',
      welcomeTitle: 'Chào mừng bạn đến với HueBot',
      welcomeText: 'Gửi phản ánh về ngập úng, ổ gà, rác thải, đèn đường hư hỏng… kèm ảnh và vị trí, rồi theo dõi kết quả xử lý ngay tại đây.',
      subtitle: 'Kênh tiếp nhận phản ánh của người dân',
      language: 'Ngôn ngữ',
      menu: 'Tùy chọn',
      transcript: 'Cuộc trò chuyện với HueBot',
      quickActions: 'Thao tác nhanh',
      myReports: 'Báo cáo của tôi',
      help: 'Hướng dẫn',
      cancel: 'Hủy thao tác đang làm',
      cancelShort: 'Hủy thao tác',
      restart: 'Bắt đầu lại',
      clearHistory: 'Xóa lịch sử trên thiết bị này',
      confirmClear: 'Xóa toàn bộ cuộc trò chuyện khỏi thiết bị này? Các phản ánh bạn đã gửi không bị ảnh hưởng.',
      inputLabel: 'Nội dung tin nhắn',
      composerHint: 'Nhấn Enter để gửi, Shift + Enter để xuống dòng.',
      placeholder: 'Nhập tin nhắn…',
      placeholderCaption: 'Thêm mô tả (nếu có)…',
      placeholderAddress: 'Nhập địa chỉ…',
      send: 'Gửi',
      attach: 'Gửi ảnh',
      shareLocation: 'Chia sẻ vị trí của tôi',
      shareMyLocation: 'Chia sẻ vị trí của tôi',
      orTypeAddress: 'hoặc nhập địa chỉ vào ô tin nhắn bên dưới',
      locating: 'Đang xác định vị trí…',
      locationShared: 'Đã chia sẻ vị trí',
      myLocation: 'Vị trí của tôi',
      accuracy: 'sai số khoảng {n} m',
      viewMap: 'Xem trên bản đồ',
      geoDenied: 'Bạn chưa cho phép truy cập vị trí. Vui lòng nhập địa chỉ nơi xảy ra sự việc (số nhà, tên đường, phường/xã) vào ô tin nhắn bên dưới.',
      geoError: 'Chưa xác định được vị trí của bạn. Vui lòng nhập địa chỉ nơi xảy ra sự việc (số nhà, tên đường, phường/xã) vào ô tin nhắn bên dưới.',
      geoUnsupported: 'Trình duyệt này không hỗ trợ chia sẻ vị trí. Vui lòng nhập địa chỉ nơi xảy ra sự việc (số nhà, tên đường, phường/xã) vào ô tin nhắn bên dưới.',
      you: 'Bạn',
      bot: 'HueBot',
      sending: 'Đang gửi',
      sent: 'Đã gửi',
      uploading: 'Đang tải ảnh lên',
      notSentRetry: 'Không gửi được — thử lại',
      notSent: 'Không gửi được',
      reselectPhotos: 'Không gửi được. Vui lòng chọn lại ảnh và gửi lại.',
      retry: 'Thử lại',
      close: 'Đóng',
      typing: 'HueBot đang trả lời…',
      newMessages: 'Tin nhắn mới',
      today: 'Hôm nay',
      yesterday: 'Hôm qua',
      choicesLabel: 'Các lựa chọn',
      noticeTag: 'Thông báo mới',
      botImage: 'Hình ảnh từ HueBot',
      yourPhoto: 'Ảnh bạn đã gửi',
      photoUnavailable: 'Ảnh (không còn bản xem trước)',
      trayLabel: 'Ảnh sẽ gửi',
      removePhoto: 'Bỏ ảnh {name}',
      photosReady: 'Đã chọn {n} ảnh. Bạn có thể thêm mô tả rồi nhấn Gửi.',
      fileTooBig: 'Ảnh “{name}” lớn hơn 10 MB nên chưa được gửi. Vui lòng chọn ảnh nhỏ hơn.',
      fileType: 'Tệp “{name}” không phải ảnh JPEG, PNG, WebP hoặc HEIC nên chưa được gửi.',
      tooManyFiles: 'Mỗi lần chỉ gửi được tối đa {n} ảnh.',
      dropHint: 'Thả ảnh vào đây để gửi',
      limitReached: 'Tin nhắn đã đạt giới hạn 2.000 ký tự.',
      networkError: 'Không kết nối được tới máy chủ. Vui lòng kiểm tra mạng rồi thử lại.',
      serverError: 'Hệ thống đang bận. Vui lòng thử lại sau ít phút.',
      requestError: 'Yêu cầu chưa được xử lý. Vui lòng thử lại.',
      offline: 'Thiết bị đang mất kết nối mạng. Tin nhắn sẽ chưa gửi được cho đến khi có mạng trở lại.',
      newReply: 'HueBot: {text}',
    },
    en: {
      pageTitle: 'HueBot — Huế field reports',
      service: 'Huế field reports',
      welcomeTitle: 'Welcome to HueBot',
      welcomeText: 'Report flooding, potholes, garbage, broken street lights… with photos and a location, and follow up on your reports right here.',
      subtitle: 'Report local problems in Huế',
      language: 'Language',
      menu: 'Options',
      transcript: 'Conversation with HueBot',
      quickActions: 'Quick actions',
      myReports: 'My reports',
      help: 'Help',
      cancel: 'Cancel what I am doing',
      cancelShort: 'Cancel',
      restart: 'Start over',
      clearHistory: 'Clear history on this device',
      confirmClear: 'Remove the whole conversation from this device? Reports you have sent are not affected.',
      inputLabel: 'Message',
      composerHint: 'Press Enter to send, Shift + Enter for a new line.',
      placeholder: 'Type a message…',
      placeholderCaption: 'Add a caption…',
      placeholderAddress: 'Type the address…',
      send: 'Send',
      attach: 'Send photos',
      shareLocation: 'Share my location',
      shareMyLocation: 'Share my location',
      orTypeAddress: 'or type the address in the message box below',
      locating: 'Finding your location…',
      locationShared: 'Location shared',
      myLocation: 'My location',
      accuracy: 'accurate to about {n} m',
      viewMap: 'View on map',
      geoDenied: 'Location access was not allowed. Please type the address of the problem (house number, street, ward) in the message box below.',
      geoError: 'We could not find your location. Please type the address of the problem (house number, street, ward) in the message box below.',
      geoUnsupported: 'This browser cannot share your location. Please type the address of the problem (house number, street, ward) in the message box below.',
      you: 'You',
      bot: 'HueBot',
      sending: 'Sending',
      sent: 'Sent',
      uploading: 'Uploading photos',
      notSentRetry: 'Not sent — retry',
      notSent: 'Not sent',
      reselectPhotos: 'Not sent. Please choose the photos again and resend.',
      retry: 'Retry',
      close: 'Close',
      typing: 'HueBot is typing…',
      newMessages: 'New messages',
      today: 'Today',
      yesterday: 'Yesterday',
      choicesLabel: 'Choices',
      noticeTag: 'Update',
      botImage: 'Image from HueBot',
      yourPhoto: 'Your photo',
      photoUnavailable: 'Photo (preview no longer available)',
      trayLabel: 'Photos to send',
      removePhoto: 'Remove photo {name}',
      photosReady: '{n} photo(s) selected. Add a caption if you like, then press Send.',
      fileTooBig: '“{name}” is larger than 10 MB and was not sent. Please choose a smaller photo.',
      fileType: '“{name}” is not a JPEG, PNG, WebP or HEIC image and was not sent.',
      tooManyFiles: 'You can send at most {n} photos at a time.',
      dropHint: 'Drop photos here to send',
      limitReached: 'Your message has reached the 2,000 character limit.',
      networkError: 'Could not reach the server. Please check your connection and try again.',
      serverError: 'The service is busy. Please try again in a few minutes.',
      requestError: 'Your request was not processed. Please try again.',
      offline: 'You are offline. Messages cannot be sent until the connection is back.',
      newReply: 'HueBot: {text}',
    },
  };

  // ------------------------------------------------------------------- icons

  const ICONS = {
    pin: 'M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z',
    clock: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z',
    check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
    retry: 'M17.7 6.3A8 8 0 1 0 19.8 14h-2.1a6 6 0 1 1-1.4-6.3L13 11h7V4z',
    alert: 'M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z',
    info: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z',
    bell: 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z',
    image: 'M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5z',
    close: 'M18.3 7.1 16.9 5.7 12 10.6 7.1 5.7 5.7 7.1l4.9 4.9-4.9 4.9 1.4 1.4 4.9-4.9 4.9 4.9 1.4-1.4-4.9-4.9z',
  };

  function icon(name) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  }

  // ----------------------------------------------------------------- helpers

  /** Build an element. attrs: class, text, on<Event>, anything else -> setAttribute. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2).toLowerCase(), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function t(key, vars) {
    const table = STRINGS[state.locale] || STRINGS.vi;
    let text = table[key] ?? STRINGS.vi[key] ?? key;
    if (vars) text = text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
    return text;
  }

  function uuid4() {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function intlLocale() {
    return state.locale === 'en' ? 'en-GB' : 'vi-VN';
  }

  function formatTime(ts) {
    return new Intl.DateTimeFormat(intlLocale(), { hour: '2-digit', minute: '2-digit' }).format(ts);
  }

  function dayKey(ts) {
    const d = new Date(ts);
    return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
  }

  function formatDay(ts) {
    const now = Date.now();
    if (dayKey(ts) === dayKey(now)) return t('today');
    if (dayKey(ts) === dayKey(now - 86400000)) return t('yesterday');
    const opts = { weekday: 'long', day: 'numeric', month: 'numeric', year: 'numeric' };
    return new Intl.DateTimeFormat(intlLocale(), opts).format(ts);
  }

  /** http(s) URL (absolute, or relative to this page) or null. */
  function safeUrl(raw) {
    try {
      const url = new URL(String(raw), window.location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  const LINK_RE = /\bhttps?:\/\/[^\s<>"]+/gi;
  const LINK_TRAILING = /[.,;:!?'"”’»)\]}]+$/;

  /** Append text to parent as text nodes, with http(s) links as <a>. Never parses HTML. */
  function appendLinkified(parent, text) {
    let last = 0;
    for (const match of text.matchAll(LINK_RE)) {
      const raw = match[0].replace(LINK_TRAILING, '');
      const href = raw.length > 8 ? safeUrl(raw) : null;
      if (!href) continue;
      parent.append(text.slice(last, match.index));
      parent.append(el('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow', text: raw }));
      last = match.index + raw.length;
    }
    parent.append(text.slice(last));
  }

  function isFinePointer() {
    return window.matchMedia('(pointer: fine)').matches;
  }

  // ------------------------------------------------------------------- state

  const state = {
    locale: 'vi',
    messages: [],
    pending: 0,
    inboxAfter: 0,
    polling: false,
    pollTimer: 0,
    tray: [], // [{file, url}]
    files: new Map(), // message id -> File[] (kept in memory so a failed upload can be retried)
    previews: new Map(), // message id -> [object URL]
    progress: new Map(), // message id -> 0..1
    locatingFrom: null, // null | 'composer' | bot message id
    addressMode: false,
    stick: true,
    limitAnnounced: false,
  };

  const $ = (id) => document.getElementById(id);
  const dom = {};

  // ----------------------------------------------------------------- storage

  function readStore(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (_) {
      return fallback;
    }
  }

  function writeStore(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_) {
      return false;
    }
  }

  function initialLocale() {
    const saved = readStore(KEYS.locale, null);
    if (saved === 'vi' || saved === 'en') return saved;
    const nav = (navigator.language || '').toLowerCase();
    const detected = nav.startsWith('en') ? 'en' : 'vi';
    writeStore(KEYS.locale, detected);
    return detected;
  }

  /** Messages from localStorage; anything left "sending" by a reload becomes "failed". */
  function loadMessages() {
    const list = readStore(KEYS.transcript, []);
    if (!Array.isArray(list)) return [];
    return list.filter(isStoredMessage).map(reviveMessage).slice(-LIMITS.transcript);
  }

  function isStoredMessage(m) {
    return m && typeof m === 'object' && typeof m.id === 'string' && typeof m.ts === 'number'
      && ['user', 'bot', 'system'].includes(m.role);
  }

  function reviveMessage(m) {
    if (m.role === 'bot') m.reply = normalizeReply(m.reply) || { text: '', choices: [], ask_location: false, image_url: null };
    if (m.role === 'user' && m.status === 'sending') {
      m.status = 'failed';
      m.retryable = Boolean(m.body);
      if (m.kind === 'photo') m.error = t('reselectPhotos');
    }
    if (m.role === 'user' && m.status === 'failed' && m.kind === 'photo') m.retryable = false;
    return m;
  }

  let saveTimer = 0;
  function saveSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, 120);
  }

  function saveNow() {
    clearTimeout(saveTimer);
    let list = state.messages.slice(-LIMITS.transcript);
    if (writeStore(KEYS.transcript, list)) return;
    // Over quota: drop photo thumbnails of the older half, then keep fewer messages.
    list = list.map((m, i) => (i < list.length / 2 && m.photos ? { ...m, photos: m.photos.map((p) => ({ ...p, thumb: null })) } : m));
    if (writeStore(KEYS.transcript, list)) return;
    writeStore(KEYS.transcript, list.slice(-Math.floor(LIMITS.transcript / 2)));
  }

  // ----------------------------------------------------------------- replies

  /** Validate a Reply from the server; returns a clean copy or null. */
  function normalizeReply(raw) {
    if (!raw || typeof raw !== 'object') return null;
    const choices = Array.isArray(raw.choices) ? raw.choices : [];
    return {
      text: typeof raw.text === 'string' ? raw.text : '',
      choices: choices
        .filter((c) => c && typeof c.label === 'string' && typeof c.payload === 'string')
        .map((c) => ({ label: c.label, payload: c.payload })),
      ask_location: raw.ask_location === true,
      image_url: typeof raw.image_url === 'string' && raw.image_url ? raw.image_url : null,
    };
  }

  // --------------------------------------------------------------- rendering

  const nodes = new Map(); // message id -> <li>

  function isContinuation(m, prev) {
    return Boolean(prev) && prev.role === m.role && dayKey(prev.ts) === dayKey(m.ts)
      && m.ts - prev.ts < 5 * 60000 && !m.notice;
  }

  function renderAll() {
    dom.transcript.replaceChildren();
    nodes.clear();
    state.messages.forEach((m, i) => appendNode(m, state.messages[i - 1]));
    dom.welcome.hidden = state.messages.length > 0;
  }

  function appendNode(m, prev) {
    if (!prev || dayKey(prev.ts) !== dayKey(m.ts)) {
      dom.transcript.append(el('li', { class: 'day', text: formatDay(m.ts) }));
    }
    const li = buildMessage(m, prev);
    nodes.set(m.id, li);
    dom.transcript.append(li);
  }

  function updateNode(m) {
    const old = nodes.get(m.id);
    if (!old) return;
    const hadFocus = old.contains(document.activeElement);
    const li = buildMessage(m, state.messages[state.messages.indexOf(m) - 1]);
    old.replaceWith(li);
    nodes.set(m.id, li);
    if (hadFocus) restoreFocus(li);
  }

  /** Keep keyboard users in place when a message is rebuilt under their focus. */
  function restoreFocus(li) {
    const target = li.querySelector('button:not(:disabled), a[href]');
    if (target) target.focus();
    else focusInput();
  }

  function buildMessage(m, prev) {
    const classes = ['msg', `msg--${m.role}`];
    if (isContinuation(m, prev)) classes.push('msg--cont');
    if (m.status === 'failed') classes.push('msg--failed');
    const li = el('li', { class: classes.join(' '), 'data-id': m.id });
    if (m.role === 'user') buildUser(li, m);
    else if (m.role === 'bot') buildBot(li, m);
    else buildSystem(li, m);
    return li;
  }

  function speaker(name) {
    return el('span', { class: 'visually-hidden', text: `${name}: ` });
  }

  function timeEl(ts) {
    return el('time', { datetime: new Date(ts).toISOString(), text: formatTime(ts) });
  }

  function buildBot(li, m) {
    const r = m.reply;
    const bubble = el('div', { class: 'bubble' }, speaker(t('bot')));
    if (m.notice) bubble.append(el('p', { class: 'tag' }, icon('bell'), t('noticeTag')));
    const imageUrl = r.image_url ? safeUrl(r.image_url) : null;
    if (imageUrl) bubble.append(botImage(imageUrl));
    if (r.text) {
      const p = el('p', { class: 'bubble__text' });
      appendLinkified(p, r.text);
      bubble.append(p);
    }
    bubble.append(placeMeta(bubble, el('p', { class: 'bubble__meta' }, timeEl(m.ts))));
    const avatar = el('img', { class: 'msg__avatar', src: '/static/icon.svg', alt: '', width: 30, height: 30 });
    li.append(el('div', { class: 'msg__row' }, avatar, el('div', { class: 'msg__body' }, bubble)));
    const after = botActions(m);
    if (after) li.append(after);
  }

  function botImage(url) {
    const img = el('img', { class: 'bubble__image', src: url, alt: t('botImage'), loading: 'lazy', decoding: 'async' });
    img.addEventListener('load', keepBottom);
    return el('a', { class: 'bubble__image-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, img);
  }

  function botActions(m) {
    const r = m.reply;
    if (!r.choices.length && !r.ask_location) return null;
    const after = el('div', { class: 'msg__after' });
    if (r.choices.length) after.append(choiceGroup(m));
    if (r.ask_location) {
      const busy = state.locatingFrom === m.id;
      const shared = m.used && m.locationSent;
      const label = (busy && t('locating')) || (shared && t('locationShared')) || t('shareMyLocation');
      after.append(el('button', {
        type: 'button',
        class: 'locate-action',
        disabled: m.used || busy,
        'aria-busy': busy ? 'true' : null,
        onClick: () => requestLocation(m),
      }, icon(shared ? 'check' : 'pin'), label));
      if (!m.used) after.append(el('p', { class: 'locate-hint', text: t('orTypeAddress') }));
    }
    return after;
  }

  function choiceGroup(m) {
    const group = el('div', { class: 'choices', role: 'group', 'aria-label': t('choicesLabel') });
    for (const choice of m.reply.choices) {
      group.append(el('button', {
        type: 'button',
        class: 'choice',
        disabled: Boolean(m.used),
        'aria-pressed': m.used && m.chosen === choice.payload ? 'true' : null,
        text: choice.label,
        onClick: () => sendChoice(m, choice),
      }));
    }
    return group;
  }

  function buildUser(li, m) {
    const bubble = el('div', { class: m.kind === 'photo' ? 'bubble bubble--photo' : 'bubble' }, speaker(t('you')));
    if (m.kind === 'photo') bubble.append(...photoContent(m));
    else if (m.kind === 'location') bubble.append(locationContent(m));
    else bubble.append(el('p', { class: 'bubble__text', text: m.text }));
    bubble.append(placeMeta(bubble, userMeta(m)));
    li.append(bubble);
    if (m.status === 'failed') li.append(failedStatus(m));
  }

  /** When the bubble ends with text, float the time into the end of its last line. */
  function placeMeta(bubble, meta) {
    const last = bubble.lastElementChild;
    if (last && last.classList.contains('bubble__text')) {
      last.append(el('span', { class: 'bubble__spacer', 'aria-hidden': 'true' }));
      meta.classList.add('bubble__meta--float');
    }
    return meta;
  }

  function userMeta(m) {
    const meta = el('p', { class: 'bubble__meta' }, timeEl(m.ts));
    if (m.status === 'sending') meta.append(icon('clock'), el('span', { class: 'visually-hidden', text: t('sending') }));
    else if (m.status === 'sent') meta.append(icon('check'), el('span', { class: 'visually-hidden', text: t('sent') }));
    return meta;
  }

  function photoContent(m) {
    const urls = state.previews.get(m.id) || [];
    const photos = m.photos || [];
    const grid = el('div', { class: `photos${photos.length === 1 ? ' photos--single' : ''}` });
    photos.forEach((p, i) => {
      const src = urls[i] || p.thumb;
      const item = el('div', { class: 'photos__item' });
      if (src) item.append(el('img', { src, alt: t('yourPhoto'), onLoad: keepBottom }));
      else item.append(icon('image'), el('span', { class: 'visually-hidden', text: t('photoUnavailable') }));
      grid.append(item);
    });
    const parts = [grid];
    if (m.status === 'sending') parts.push(uploadProgress(m));
    if (m.text) parts.push(el('p', { class: 'bubble__text', text: m.text }));
    return parts;
  }

  function uploadProgress(m) {
    const value = Math.round((state.progress.get(m.id) || 0) * 100);
    return el('progress', { class: 'progress', max: 100, value, 'aria-label': t('uploading') });
  }

  function setProgress(m, fraction) {
    state.progress.set(m.id, fraction);
    const bar = nodes.get(m.id)?.querySelector('progress');
    if (bar) bar.value = Math.round(fraction * 100);
  }

  function locationContent(m) {
    const loc = m.location || {};
    const lat = Number(loc.lat).toFixed(5);
    const lon = Number(loc.lon).toFixed(5);
    const coords = loc.acc ? `${lat}, ${lon} · ${t('accuracy', { n: Math.round(loc.acc) })}` : `${lat}, ${lon}`;
    const map = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
    return el('div', { class: 'place' },
      el('span', { class: 'place__pin' }, icon('pin')),
      el('div', {},
        el('p', { class: 'place__title', text: t('myLocation') }),
        el('p', { class: 'place__coords', text: coords }),
        el('a', { class: 'place__link', href: map, target: '_blank', rel: 'noopener noreferrer', text: t('viewMap') })));
  }

  function failedStatus(m) {
    const box = el('div', { class: 'status' });
    if (m.retryable) {
      if (m.error) box.append(el('p', { class: 'status__text', text: m.error }));
      box.append(el('button', { type: 'button', class: 'retry', onClick: () => deliver(m) }, icon('retry'), t('notSentRetry')));
    } else {
      const text = m.error ? `${t('notSent')}: ${m.error}` : t('notSent');
      box.append(el('p', { class: 'status__text' }, icon('alert'), el('span', { text })));
    }
    return box;
  }

  function buildSystem(li, m) {
    const text = el('p', { class: 'bubble__text' }, icon('info'), el('span', { text: m.text }));
    li.append(el('div', { class: 'bubble' }, text, el('p', { class: 'bubble__meta' }, timeEl(m.ts))));
  }

  // ------------------------------------------------------ transcript updates

  function addMessage(m) {
    const stick = state.stick || m.role === 'user';
    state.messages.push(m);
    appendNode(m, state.messages[state.messages.length - 2]);
    dom.welcome.hidden = true;
    trimTranscript();
    saveSoon();
    if (stick) scrollToBottom();
    else dom.jump.hidden = false;
    updateComposer();
  }

  function trimTranscript() {
    while (state.messages.length > LIMITS.transcript) {
      const old = state.messages.shift();
      nodes.get(old.id)?.remove();
      nodes.delete(old.id);
      releasePreviews(old.id);
      const first = dom.transcript.firstElementChild;
      const next = first?.nextElementSibling;
      if (first?.classList.contains('day') && (!next || next.classList.contains('day'))) first.remove();
    }
  }

  function addBotReplies(replies, opts) {
    for (const reply of replies) {
      addMessage({ id: `b-${uuid4()}`, role: 'bot', ts: Date.now(), reply, used: false, notice: Boolean(opts && opts.notice) });
      const spoken = reply.text || (reply.image_url ? t('botImage') : '');
      if (spoken) announce(t('newReply', { text: spoken }));
    }
  }

  function addSystem(text) {
    addMessage({ id: `s-${uuid4()}`, role: 'system', ts: Date.now(), text });
    announce(text);
  }

  function releasePreviews(id) {
    for (const url of state.previews.get(id) || []) URL.revokeObjectURL(url);
    state.previews.delete(id);
    state.files.delete(id);
    state.progress.delete(id);
  }

  /** Screen-reader announcement through the polite live region. */
  function announce(text) {
    const p = el('p', { text });
    dom.live.append(p);
    setTimeout(() => p.remove(), 8000);
  }

  // --------------------------------------------------------------- scrolling

  function nearBottom() {
    const c = dom.chat;
    return c.scrollHeight - c.scrollTop - c.clientHeight < 80;
  }

  function scrollToBottom() {
    dom.chat.scrollTop = dom.chat.scrollHeight;
    state.stick = true;
    dom.jump.hidden = true;
  }

  function keepBottom() {
    if (state.stick) scrollToBottom();
  }

  // ----------------------------------------------------------------- network

  class SendError extends Error {
    constructor(userMessage, retryable) {
      super(userMessage);
      this.userMessage = userMessage;
      this.retryable = retryable;
    }
  }

  function networkError() {
    return new SendError(navigator.onLine === false ? t('offline') : t('networkError'), true);
  }

  /** Turn an HTTP status and parsed body into replies, or throw a SendError. */
  function readReplies(status, data) {
    if (status >= 200 && status < 300 && data && Array.isArray(data.replies)) {
      followServerLocale(data.language);
      return data.replies.map(normalizeReply).filter(Boolean);
    }
    const message = data && data.error && typeof data.error.message === 'string' ? data.error.message : '';
    const retryable = status === 0 || status >= 500 || status === 408 || status === 429 || status < 300;
    throw new SendError(message || (retryable ? t('serverError') : t('requestError')), retryable);
  }

  async function postMessage(body) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), SEND_TIMEOUT_MS);
    let res;
    try {
      res = await fetch(API.messages, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ ...body, locale: state.locale }),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: ctrl.signal,
      });
    } catch (_) {
      throw networkError();
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    return readReplies(res.status, data);
  }

  /** Upload the original files (never re-encoded: the server reads their GPS EXIF). */
  function uploadPhotos(m) {
    const files = state.files.get(m.id);
    if (!files) return Promise.reject(new SendError(t('reselectPhotos'), false));
    const form = new FormData();
    form.append('id', m.id);
    form.append('locale', state.locale);
    if (m.text) form.append('caption', m.text);
    for (const file of files) form.append('file', file, file.name || 'photo.jpg');
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', API.photos);
      xhr.timeout = UPLOAD_TIMEOUT_MS;
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) setProgress(m, e.loaded / e.total);
      });
      xhr.addEventListener('load', () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
        try { resolve(readReplies(xhr.status, data)); } catch (err) { reject(err); }
      });
      const fail = () => reject(networkError());
      xhr.addEventListener('error', fail);
      xhr.addEventListener('timeout', fail);
      xhr.addEventListener('abort', fail);
      xhr.send(form);
    });
  }

  // One request at a time, in order, so the conversation state on the server
  // sees messages in the order the citizen sent them.
  let queue = Promise.resolve();
  function enqueue(task) {
    state.pending += 1;
    updateTyping();
    const run = queue.then(task).catch(() => {}).finally(() => {
      state.pending -= 1;
      updateTyping();
    });
    queue = run;
    return run;
  }

  function updateTyping() {
    const show = state.pending > 0;
    if (dom.typing.hidden === !show) return;
    const stick = state.stick;
    dom.typing.hidden = !show;
    if (stick) scrollToBottom();
  }

  /** Send (or resend, with the same id) a user message and show the replies. */
  function deliver(m) {
    m.status = 'sending';
    m.error = null;
    updateNode(m);
    saveSoon();
    return enqueue(async () => {
      try {
        const replies = m.kind === 'photo' ? await uploadPhotos(m) : await postMessage(m.body);
        m.status = 'sent';
        delete m.body;
        state.files.delete(m.id);
        state.progress.delete(m.id);
        updateNode(m);
        addBotReplies(replies);
      } catch (err) {
        m.status = 'failed';
        m.error = err instanceof SendError ? err.userMessage : t('networkError');
        m.retryable = err instanceof SendError ? err.retryable : true;
        if (m.kind === 'photo' && !state.files.has(m.id)) m.retryable = false;
        updateNode(m);
        announce(`${t('notSent')}. ${m.error}`);
      }
      saveSoon();
    });
  }

  function userMessage(kind, text, body, extra) {
    const id = uuid4();
    const m = { id, role: 'user', kind, text, ts: Date.now(), status: 'sending', ...extra };
    if (body) m.body = { id, ...body };
    return m;
  }

  function sendText(text) {
    const m = userMessage('text', text, { text });
    addMessage(m);
    deliver(m);
  }

  /** A command from the menu or a quick button: the label is shown, the command is sent. */
  function sendCommand(command, label) {
    const m = userMessage('command', label, { text: command });
    addMessage(m);
    deliver(m);
  }

  function sendChoice(botMsg, choice) {
    if (botMsg.used) return;
    botMsg.used = true;
    botMsg.chosen = choice.payload;
    updateNode(botMsg);
    focusInput();
    const m = userMessage('choice', choice.label, { choice: choice.payload });
    addMessage(m);
    deliver(m);
  }

  function sendLocation(coords) {
    const latitude = Number(coords.latitude.toFixed(6));
    const longitude = Number(coords.longitude.toFixed(6));
    const location = { lat: latitude, lon: longitude, acc: coords.accuracy || null };
    const m = userMessage('location', '', { location: { latitude, longitude } }, { location });
    addMessage(m);
    deliver(m);
  }

  function sendPhotos(files, caption) {
    const m = userMessage('photo', caption, null, { photos: files.map((f) => ({ name: f.name, thumb: null })) });
    state.files.set(m.id, files);
    state.previews.set(m.id, state.tray.map((item) => item.url));
    addMessage(m);
    deliver(m);
    files.forEach((file, i) => makeThumb(file).then((thumb) => {
      if (!thumb || !m.photos[i]) return;
      m.photos[i].thumb = thumb; // small copy for the saved transcript only
      saveSoon();
    }));
  }

  /** A command the citizen did not type (first greeting, language switch): no bubble. */
  function sendSilent(text, body) {
    const payload = body || { id: uuid4(), text };
    return enqueue(async () => {
      try {
        addBotReplies(await postMessage(payload));
        hideNotice();
      } catch (err) {
        const message = err instanceof SendError ? err.userMessage : t('networkError');
        const retry = !(err instanceof SendError) || err.retryable;
        showNotice(message, retry ? { label: t('retry'), run: () => sendSilent(text, payload) } : null);
      }
    });
  }

  // ------------------------------------------------------------------ photos

  function fileProblem(file) {
    const typeOk = ACCEPTED_TYPES.includes(file.type) || (!file.type && ACCEPTED_EXT.test(file.name || ''));
    if (!typeOk) return t('fileType', { name: file.name || '?' });
    if (file.size > LIMITS.fileBytes) return t('fileTooBig', { name: file.name || '?' });
    return null;
  }

  function addFiles(files) {
    const problems = [];
    for (const file of files) {
      const problem = fileProblem(file);
      if (problem) problems.push(problem);
      else if (state.tray.length >= LIMITS.filesPerMessage) {
        problems.push(t('tooManyFiles', { n: LIMITS.filesPerMessage }));
        break;
      } else state.tray.push({ file, url: URL.createObjectURL(file) });
    }
    renderTray();
    if (problems.length) showNotice(problems.join('\n'));
    else if (state.tray.length) {
      hideNotice();
      announce(t('photosReady', { n: state.tray.length }));
    }
    updateComposer();
    if (state.tray.length) focusInput();
  }

  function renderTray() {
    dom.tray.hidden = state.tray.length === 0;
    dom.chips.hidden = state.tray.length > 0;
    dom.trayList.replaceChildren(...state.tray.map((item, i) => el('li', { class: 'tray__item' },
      el('img', { src: item.url, alt: item.file.name || t('yourPhoto') }),
      el('span', { class: 'tray__size', text: formatSize(item.file.size) }),
      el('button', {
        type: 'button',
        class: 'tray__remove',
        'aria-label': t('removePhoto', { name: item.file.name || i + 1 }),
        onClick: () => removeFromTray(i),
      }, icon('close')))));
  }

  function formatSize(bytes) {
    const nf = (n, digits) => n.toLocaleString(intlLocale(), { maximumFractionDigits: digits });
    return bytes < 1048576 ? `${nf(Math.max(1, Math.round(bytes / 1024)), 0)} KB` : `${nf(bytes / 1048576, 1)} MB`;
  }

  function removeFromTray(index) {
    const [item] = state.tray.splice(index, 1);
    if (item) URL.revokeObjectURL(item.url);
    renderTray();
    updateComposer();
    const next = dom.trayList.querySelector('.tray__remove');
    if (next) next.focus();
    else dom.attach.focus();
  }

  /** A small JPEG data URL so the saved transcript can still show the photo after a reload. */
  async function makeThumb(file) {
    try {
      if (typeof createImageBitmap !== 'function') return null;
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, 240 / Math.max(bitmap.width, bitmap.height));
      const canvas = el('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return canvas.toDataURL('image/jpeg', 0.7);
    } catch (_) {
      return null;
    }
  }

  // ---------------------------------------------------------------- location

  function requestLocation(fromMsg) {
    if (state.locatingFrom) return;
    if (!('geolocation' in navigator) || window.isSecureContext === false) {
      locationFailed(t('geoUnsupported'));
      return;
    }
    setLocating(fromMsg ? fromMsg.id : 'composer');
    navigator.geolocation.getCurrentPosition((pos) => {
      setLocating(null);
      if (fromMsg) {
        fromMsg.used = true;
        fromMsg.locationSent = true;
        updateNode(fromMsg);
      }
      state.addressMode = false;
      sendLocation(pos.coords);
    }, (err) => {
      setLocating(null);
      locationFailed(err && err.code === 1 ? t('geoDenied') : t('geoError'));
    }, GEO_OPTIONS);
  }

  function setLocating(from) {
    const previous = state.locatingFrom;
    state.locatingFrom = from;
    const busy = from !== null;
    dom.locate.setAttribute('aria-busy', String(busy));
    dom.locate.disabled = busy;
    for (const id of [previous, from]) {
      const m = state.messages.find((x) => x.id === id);
      if (m) updateNode(m);
    }
    if (busy) announce(t('locating'));
  }

  /** Tell the citizen they can type the address instead; the next text is that address. */
  function locationFailed(message) {
    addSystem(message);
    state.addressMode = true;
    updateComposer();
    focusInput(true);
  }

  // ---------------------------------------------------------------- composer

  function focusInput(always) {
    if (always || isFinePointer()) dom.input.focus({ preventScroll: true });
  }

  function autoGrow() {
    if (!dom.input.value) { // let an empty box fall back to one row, whatever the placeholder
      dom.input.style.height = '';
      dom.input.style.overflowY = 'hidden';
      return;
    }
    dom.input.style.height = 'auto';
    const height = dom.input.scrollHeight + 3;
    dom.input.style.height = `${Math.min(height, 160)}px`;
    dom.input.style.overflowY = height > 160 ? 'auto' : 'hidden';
  }

  /** The latest bot message, if it asks for a location not yet given; else null. */
  function pendingLocationRequest() {
    for (let i = state.messages.length - 1; i >= 0; i -= 1) {
      const m = state.messages[i];
      if (m.role === 'bot') return m.reply.ask_location && !m.used ? m : null;
      if (m.role === 'user') return null;
    }
    return null;
  }

  function updateComposer() {
    const length = dom.input.value.length;
    dom.send.disabled = !dom.input.value.trim() && state.tray.length === 0;
    let placeholder = t('placeholder');
    if (state.tray.length) placeholder = t('placeholderCaption');
    else if (state.addressMode || pendingLocationRequest()) placeholder = t('placeholderAddress');
    dom.input.placeholder = placeholder;
    dom.locate.classList.toggle('composer__tool--attention', Boolean(pendingLocationRequest()));
    dom.counter.hidden = length < LIMITS.counterFrom;
    dom.counter.textContent = `${length.toLocaleString(intlLocale())}/${LIMITS.textChars.toLocaleString(intlLocale())}`;
    dom.counter.classList.toggle('composer__counter--limit', length >= LIMITS.textChars);
    if (length >= LIMITS.textChars && !state.limitAnnounced) announce(t('limitReached'));
    state.limitAnnounced = length >= LIMITS.textChars;
  }

  function submit() {
    const text = dom.input.value.trim().slice(0, LIMITS.textChars);
    if (state.tray.length) {
      sendPhotos(state.tray.map((item) => item.file), text);
      state.tray = []; // object URLs now belong to the message preview
      renderTray();
    } else if (text) {
      sendText(text);
    } else {
      return;
    }
    state.addressMode = false;
    dom.input.value = '';
    autoGrow();
    updateComposer();
  }

  function onKeyDown(e) {
    if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.isComposing || e.keyCode === 229) return; // Vietnamese IME (Telex/VNI) still composing
    e.preventDefault();
    submit();
  }

  function onPaste(e) {
    const files = Array.from((e.clipboardData && e.clipboardData.files) || []);
    if (!files.length) return;
    e.preventDefault();
    addFiles(files);
  }

  // ------------------------------------------------------------------ notice

  let noticeTimer = 0;
  function showNotice(text, action, tone) {
    clearTimeout(noticeTimer);
    dom.notice.classList.toggle('notice--info', tone === 'info');
    dom.noticeText.textContent = text;
    dom.noticeAction.hidden = !action;
    dom.noticeAction.textContent = action ? action.label : '';
    dom.noticeAction.onclick = action ? () => { hideNotice(); action.run(); } : null;
    dom.notice.hidden = false;
    if (!action) noticeTimer = setTimeout(hideNotice, 12000);
  }

  function hideNotice() {
    clearTimeout(noticeTimer);
    dom.notice.hidden = true;
  }

  // ------------------------------------------------------------------- inbox

  async function pollInbox() {
    if (state.polling || document.visibilityState !== 'visible') return;
    state.polling = true;
    clearTimeout(state.pollTimer);
    state.inboxAfter = Math.max(state.inboxAfter, Number(readStore(KEYS.inboxAfter, 0)) || 0);
    try {
      const res = await fetch(`${API.inbox}?after=${encodeURIComponent(state.inboxAfter)}`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (res.ok) takeInbox(await res.json());
    } catch (_) {
      // Offline or server away: try again at the next tick.
    } finally {
      state.polling = false;
      schedulePoll();
    }
  }

  function takeInbox(data) {
    // A message on its way may change the language (/lang): its answer will say.
    if (data && state.pending === 0) followServerLocale(data.language);
    const items = data && Array.isArray(data.messages) ? data.messages.slice() : [];
    items.sort((a, b) => Number(a && a.id) - Number(b && b.id));
    for (const item of items) {
      const id = Number(item && item.id);
      if (!Number.isFinite(id) || id <= state.inboxAfter) continue;
      const reply = normalizeReply(item.reply);
      if (reply) addBotReplies([reply], { notice: true });
      state.inboxAfter = id;
    }
    writeStore(KEYS.inboxAfter, state.inboxAfter);
  }

  function schedulePoll() {
    clearTimeout(state.pollTimer);
    if (document.visibilityState === 'visible') state.pollTimer = setTimeout(pollInbox, POLL_MS);
  }

  // ---------------------------------------------------------------- language

  function applyStrings() {
    document.documentElement.lang = state.locale;
    document.title = t('pageTitle');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
    for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
    for (const btn of dom.langButtons) btn.setAttribute('aria-pressed', String(btn.dataset.lang === state.locale));
    renderTray();
    updateComposer();
  }

  /** The chat's language as the server keeps it wins over the one this page guessed. */
  function followServerLocale(language) {
    if (language === 'vi' || language === 'en') setLocale(language, false);
  }

  function setLocale(locale, tellServer) {
    if (locale !== 'vi' && locale !== 'en') return;
    if (locale === state.locale) return;
    state.locale = locale;
    writeStore(KEYS.locale, locale);
    applyStrings();
    renderAll();
    scrollToBottom();
    if (tellServer) sendSilent(`/lang ${locale}`);
  }

  // -------------------------------------------------------------------- menu

  function openMenu() {
    dom.menuList.hidden = false;
    dom.menuToggle.setAttribute('aria-expanded', 'true');
    menuItems()[0].focus();
  }

  function closeMenu(returnFocus) {
    if (dom.menuList.hidden) return;
    dom.menuList.hidden = true;
    dom.menuToggle.setAttribute('aria-expanded', 'false');
    if (returnFocus) dom.menuToggle.focus();
  }

  function menuItems() {
    return Array.from(dom.menuList.querySelectorAll('button'));
  }

  function onMenuKey(e) {
    const items = menuItems();
    const index = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      closeMenu(true);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length].focus();
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      items[e.key === 'Home' ? 0 : items.length - 1].focus();
    } else if (e.key === 'Tab') {
      closeMenu(false);
    }
  }

  function clearHistory() {
    closeMenu(true);
    if (!window.confirm(t('confirmClear'))) return;
    for (const m of state.messages) releasePreviews(m.id);
    state.messages = [];
    saveNow();
    renderAll();
    sendSilent('/start');
  }

  // ------------------------------------------------------------------ wiring

  function bindDom() {
    Object.assign(dom, {
      app: $('app'),
      title: document.querySelector('.topbar__title'),
      chat: $('chat'),
      welcome: $('welcome'),
      transcript: $('transcript'),
      typing: $('typing'),
      jump: $('jump'),
      notice: $('notice'),
      noticeText: $('notice-text'),
      noticeAction: $('notice-action'),
      noticeClose: $('notice-close'),
      tray: $('tray'),
      trayList: $('tray-list'),
      form: $('composer'),
      fileInput: $('file-input'),
      attach: $('attach'),
      locate: $('locate'),
      input: $('input'),
      counter: $('counter'),
      send: $('send'),
      live: $('sr-status'),
      menuToggle: $('menu-toggle'),
      menuList: $('menu-list'),
      dropzone: $('dropzone'),
      dock: document.querySelector('.dock'),
      chips: document.querySelector('.chips'),
      langButtons: Array.from(document.querySelectorAll('.lang__btn')),
    });
  }

  function wireComposer() {
    dom.form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
    dom.input.addEventListener('keydown', onKeyDown);
    dom.input.addEventListener('input', () => { autoGrow(); updateComposer(); });
    dom.input.addEventListener('paste', onPaste);
    dom.attach.addEventListener('click', () => dom.fileInput.click());
    dom.fileInput.addEventListener('change', () => {
      addFiles(Array.from(dom.fileInput.files || []));
      dom.fileInput.value = '';
    });
    dom.locate.addEventListener('click', () => requestLocation(pendingLocationRequest()));
    dom.noticeClose.addEventListener('click', hideNotice);
  }

  function wireCommands() {
    for (const btn of document.querySelectorAll('[data-command]')) {
      btn.addEventListener('click', () => {
        closeMenu(false);
        sendCommand(btn.dataset.command, btn.textContent.trim());
        focusInput();
      });
    }
    for (const btn of dom.langButtons) btn.addEventListener('click', () => setLocale(btn.dataset.lang, true));
    dom.menuToggle.addEventListener('click', () => (dom.menuList.hidden ? openMenu() : closeMenu(true)));
    dom.menuList.addEventListener('keydown', onMenuKey);
    $('clear-history').addEventListener('click', clearHistory);
    document.addEventListener('click', (e) => {
      if (!dom.menuList.hidden && !e.target.closest('.menu')) closeMenu(false);
    });
  }

  function wireScrolling() {
    dom.chat.addEventListener('scroll', () => {
      state.stick = nearBottom();
      if (state.stick) dom.jump.hidden = true;
    }, { passive: true });
    dom.jump.addEventListener('click', () => { scrollToBottom(); focusInput(); });
    const setDockHeight = () => dom.app.style.setProperty('--dock-h', `${dom.dock.offsetHeight}px`);
    if ('ResizeObserver' in window) new ResizeObserver(setDockHeight).observe(dom.dock);
    setDockHeight();
    window.addEventListener('resize', keepBottom);
  }

  function wireDragAndDrop() {
    let depth = 0;
    const hasFiles = (e) => Array.from((e.dataTransfer && e.dataTransfer.types) || []).includes('Files');
    document.addEventListener('dragenter', (e) => {
      if (!hasFiles(e)) return;
      depth += 1;
      dom.dropzone.hidden = false;
    });
    document.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (!depth) dom.dropzone.hidden = true;
    });
    document.addEventListener('dragover', (e) => { if (hasFiles(e)) e.preventDefault(); });
    document.addEventListener('drop', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      dom.dropzone.hidden = true;
      addFiles(Array.from(e.dataTransfer.files || []));
    });
  }

  function wireLifecycle() {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') pollInbox();
      else clearTimeout(state.pollTimer);
    });
    window.addEventListener('online', () => { hideNotice(); pollInbox(); });
    window.addEventListener('offline', () => showNotice(t('offline'), null, 'info'));
    window.addEventListener('pagehide', saveNow);
    window.addEventListener('storage', onStorage);
  }

  /** Another tab of the same chat changed something: follow it. */
  function onStorage(e) {
    if (e.key === KEYS.locale && (e.newValue === '"vi"' || e.newValue === '"en"')) {
      setLocale(JSON.parse(e.newValue), false);
    } else if (e.key === KEYS.inboxAfter) {
      state.inboxAfter = Math.max(state.inboxAfter, Number(readStore(KEYS.inboxAfter, 0)) || 0);
    } else if (e.key === KEYS.transcript && state.pending === 0) {
      state.messages = loadMessages();
      renderAll();
      scrollToBottom();
      updateComposer();
    }
  }

  function start() {
    bindDom();
    state.locale = initialLocale();
    state.inboxAfter = Number(readStore(KEYS.inboxAfter, 0)) || 0;
    state.messages = loadMessages();
    applyStrings();
    renderAll();
    wireComposer();
    wireCommands();
    wireScrolling();
    wireDragAndDrop();
    wireLifecycle();
    scrollToBottom();
    updateComposer();
    if (state.messages.length === 0) sendSilent('/start');
    pollInbox();
    if (navigator.onLine === false) showNotice(t('offline'), null, 'info');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
