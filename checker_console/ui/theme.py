"""The NHS service manual's look, as one stylesheet inlined into every page's head.

Inlined rather than fetched so nothing loads from outside the deployment: Arial (a system font,
no web fonts), white pages, the NHS blue header, and the yellow-and-black focus indicator that
keyboard users rely on to see where they are.
"""

from __future__ import annotations

NHS_BLUE = "#005eb8"
TEXT = "#212b32"
SECONDARY_TEXT = "#4c6272"
FOCUS = "#ffeb3b"
BORDER = "#d8dde0"

STYLESHEET = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ background: #fff; }}
body {{ margin: 0; font-family: Arial, "Helvetica Neue", Helvetica, sans-serif;
  font-size: 1.1875rem; line-height: 1.47; color: {TEXT}; background: #fff; }}
h1 {{ font-size: 2.5rem; line-height: 1.2; margin: 0 0 24px; }}
h2 {{ font-size: 1.625rem; line-height: 1.25; margin: 32px 0 16px; }}
p {{ margin: 0 0 16px; }}
a {{ color: {NHS_BLUE}; text-decoration: underline; }}
a:visited {{ color: #330072; }}
a:hover {{ color: #7c2855; text-decoration: none; }}
a:focus {{ outline: 4px solid transparent; background: {FOCUS}; color: {TEXT};
  box-shadow: 0 -2px {FOCUS}, 0 4px {TEXT}; text-decoration: none; }}
.visually-hidden {{ position: absolute !important; width: 1px; height: 1px; margin: 0;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); border: 0;
  white-space: nowrap; }}
.skip-link {{ position: absolute; left: 16px; top: -100px; z-index: 10; padding: 8px 12px;
  background: {FOCUS}; color: {TEXT}; }}
.skip-link:focus {{ top: 8px; }}
.header {{ background: {NHS_BLUE}; color: #fff; }}
.header__inner, .nav__inner, .main {{ max-width: 1280px; margin: 0 auto; padding: 0 24px; }}
.header__inner {{ display: flex; flex-wrap: wrap; align-items: center;
  justify-content: space-between; gap: 8px 24px; padding-top: 16px; padding-bottom: 16px; }}
.header__service, .header__service:visited {{ color: #fff; font-weight: bold; font-size: 1.25rem;
  text-decoration: none; }}
.header__service:hover {{ color: #fff; text-decoration: underline; }}
.header__user {{ display: flex; align-items: center; gap: 16px; }}
.header__user-role {{ font-weight: normal; }}
.nav {{ background: {NHS_BLUE}; border-top: 1px solid rgba(255, 255, 255, 0.3); }}
.nav__list {{ list-style: none; margin: 0; padding: 0; display: flex; gap: 24px; }}
.nav__link, .nav__link:visited {{ display: inline-block; padding: 12px 0; color: #fff;
  font-weight: bold; text-decoration: none; }}
.nav__link:hover {{ color: #fff; text-decoration: underline; }}
.nav__link[aria-current="page"] {{ box-shadow: inset 0 -4px #fff; }}
.main {{ padding-top: 32px; padding-bottom: 48px; }}
.button {{ font: inherit; font-weight: bold; line-height: 1; color: #fff; background: #007f3b;
  border: 2px solid transparent; border-radius: 4px; padding: 12px 16px;
  box-shadow: 0 4px 0 #00401e; cursor: pointer; margin-bottom: 4px; }}
.button:hover {{ background: #00662f; }}
.button--secondary {{ background: {SECONDARY_TEXT}; box-shadow: 0 4px 0 #263139; }}
.button--secondary:hover {{ background: #384853; }}
.button--reverse {{ background: #fff; color: {TEXT}; box-shadow: 0 4px 0 #263139; }}
.button--reverse:hover {{ background: #f0f4f5; }}
.button--link {{ background: none; border: 0; box-shadow: none; padding: 0; color: inherit;
  font-weight: bold; text-decoration: underline; }}
.button--link:hover {{ background: none; text-decoration: none; }}
.button:focus, .button:focus:hover {{ outline: 4px solid transparent; background: {FOCUS};
  color: {TEXT}; box-shadow: 0 4px 0 {TEXT}; }}
.button:disabled {{ opacity: 0.5; cursor: default; }}
.button:disabled:hover {{ background: {SECONDARY_TEXT}; }}
select, input {{ font: inherit; font-size: 1.1875rem; color: {TEXT}; background: #fff;
  border: 2px solid {SECONDARY_TEXT}; border-radius: 0; padding: 4px 8px; min-height: 40px; }}
select:focus, input:focus {{ outline: 4px solid {FOCUS}; outline-offset: 0;
  box-shadow: inset 0 0 0 2px {TEXT}; border-color: {TEXT}; }}
label {{ display: block; font-weight: bold; margin-bottom: 4px; }}
.filters {{ display: flex; flex-wrap: wrap; align-items: flex-end; gap: 16px 24px;
  margin-bottom: 24px; }}
.filters__actions {{ display: flex; gap: 16px; align-items: center; }}
.summary {{ color: {SECONDARY_TEXT}; }}
.error-summary {{ border: 4px solid #d5281b; padding: 16px; margin-bottom: 24px; }}
.table {{ width: 100%; border-collapse: collapse; margin-bottom: 24px; font-size: 1rem; }}
.table caption {{ text-align: left; }}
.table th, .table td {{ text-align: left; vertical-align: middle; padding: 8px 12px 8px 0;
  border-bottom: 1px solid {BORDER}; }}
.table th {{ font-weight: bold; }}
.table .button--link {{ color: {NHS_BLUE}; }}
.table .button--link:focus {{ color: {TEXT}; }}
.thumbnail {{ display: block; width: 72px; height: 48px; object-fit: cover;
  border: 1px solid {BORDER}; }}
.tag {{ display: inline-flex; align-items: center; gap: 6px; padding: 2px 8px;
  border: 1px solid; font-weight: bold; font-size: 0.875rem; white-space: nowrap; }}
.tag--grey {{ color: #212b32; background: #dbe0e3; border-color: #aeb7bd; }}
.tag--blue {{ color: #002f5c; background: #d6e8f8; border-color: #9cc2e8; }}
.tag--green {{ color: #00401e; background: #cce5d8; border-color: #80bf9d; }}
.tag--red {{ color: #6b140e; background: #f7d4d1; border-color: #e6928d; }}
.tag--orange {{ color: #4d2600; background: #ffdc8e; border-color: #e6b54c; }}
.overdue {{ display: block; color: #a11d13; font-weight: bold; font-size: 0.875rem; }}
.pager {{ display: flex; align-items: center; gap: 24px; }}
.pager__status {{ font-weight: bold; margin: 0; }}
.summary-list {{ display: grid; grid-template-columns: max-content 1fr; gap: 8px 32px;
  margin: 0 0 32px; }}
.summary-list dt {{ font-weight: bold; }}
.summary-list dd {{ margin: 0; }}
.documents {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 24px; }}
.documents img {{ display: block; width: 240px; height: 160px; object-fit: contain;
  background: #f0f4f5; border: 1px solid {BORDER}; }}
.inset {{ border-left: 8px solid {NHS_BLUE}; padding: 8px 24px; margin: 24px 0; }}
.pre-wrap {{ white-space: pre-wrap; }}
.confirmation {{ position: fixed; left: 16px; bottom: 16px; z-index: 20; display: flex;
  align-items: center; gap: 12px; max-width: 640px; padding: 8px 12px; background: #fff;
  border: 2px solid #007f3b; border-left-width: 8px; box-shadow: 0 2px 6px rgba(0,0,0,.25); }}
.confirmation--refused {{ border-color: #d5281b; }}
.confirmation__text {{ margin: 0; font-weight: bold; }}
.decision-record {{ border-left: 8px solid {NHS_BLUE}; padding: 0 0 0 16px; margin: 0 0 24px; }}
.decision-record__heading {{ margin: 0 0 8px; }}
.chain {{ font-weight: bold; padding: 8px 12px; border: 2px solid; display: inline-block; }}
.chain--ok {{ color: #006435; border-color: #007f3b; }}
.chain--broken {{ color: #d5281b; border-color: #d5281b; }}
.sign-in-list {{ list-style: none; padding: 0; }}
.sign-in-list li {{ margin-bottom: 12px; }}
"""

#: Keys as printed on keyboards, shown beside the buttons they press.
KEYS = f"""
kbd.key {{ display: inline-block; min-width: 18px; padding: 0 4px; border: 1px solid #768692;
  border-radius: 3px; background: #f0f4f5; color: {TEXT}; font: bold 12px/1.4 Arial, sans-serif;
  text-align: center; }}
kbd.key--inverse {{ background: transparent; color: inherit; border-color: currentColor; }}
.button--small {{ font-size: 0.8125rem; padding: 6px 8px; box-shadow: 0 2px 0 #263139; }}
.button--warning {{ background: #d5281b; box-shadow: 0 4px 0 #6b140e; }}
.button--warning:hover {{ background: #aa2016; }}
.button--toggle[aria-pressed="false"] {{ background: #fff; color: {TEXT};
  border-color: {SECONDARY_TEXT}; }}
.button--toggle[aria-pressed="true"] {{ background: {NHS_BLUE}; box-shadow: 0 2px 0 #003087; }}
.button--toggle[aria-pressed="true"]::before {{ content: "✓ "; }}
"""

#: The queue page: the totals, the one button that starts work, who holds what.
QUEUE = f"""
.counts {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 24px; }}
.count {{ border: 1px solid {BORDER}; border-top: 4px solid {NHS_BLUE}; padding: 8px 16px;
  min-width: 150px; }}
.count__label {{ font-size: 1rem; color: {SECONDARY_TEXT}; }}
.count__value {{ margin: 0; font-size: 1.75rem; font-weight: bold; }}
.start {{ margin-bottom: 24px; }}
a.button--start, a.button--start:visited {{ display: inline-flex; align-items: center; gap: 12px;
  color: #fff; text-decoration: none; font-size: 1.25rem; }}
a.button--start:focus {{ color: {TEXT}; }}
.holder {{ display: block; font-size: 0.875rem; color: {SECONDARY_TEXT}; }}
.notice {{ max-width: 680px; }}
"""

#: The review workspace: one screen at 1366x768, dense type, nothing below the fold.
WORKSPACE = f"""
body:has(.main--dense) .header__inner {{ max-width: none; height: 44px; padding-top: 0;
  padding-bottom: 0; flex-wrap: nowrap; }}
body:has(.main--dense) .header .button {{ font-size: 0.875rem; padding: 6px 10px; }}
body:has(.main--dense) .header__user {{ font-size: 0.9375rem; }}
body:has(.main--dense) .nav__inner {{ max-width: none; }}
body:has(.main--dense) .nav__link {{ padding: 4px 0; font-size: 0.9375rem; line-height: 24px; }}
.main--dense {{ max-width: none; padding: 6px 12px 6px; height: calc(100vh - 77px);
  font-size: 0.875rem; line-height: 1.35; }}
.review-page, .workspace {{ height: 100%; }}
.workspace {{ display: flex; flex-direction: column; gap: 6px; }}
.case-bar {{ display: flex; align-items: center; gap: 14px; min-height: 34px; }}
.case-bar__heading {{ font-size: 1.125rem; margin: 0; white-space: nowrap; }}
.case-bar__heading:focus {{ outline: none; }}
.case-bar__fact {{ min-width: 0; color: {SECONDARY_TEXT}; font-size: 0.8125rem;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.case-bar__actions {{ margin-left: auto; display: flex; gap: 6px; flex: none; }}
.overdue-inline {{ color: #a11d13; }}
.workspace__grid {{ flex: 1; min-height: 0; display: grid; gap: 12px;
  grid-template-columns: minmax(0, 1fr) 450px; }}
.workspace__images {{ display: grid; grid-template-columns: 1fr 1fr; gap: 8px; min-height: 0; }}
.pane {{ display: flex; flex-direction: column; min-height: 0; min-width: 0; }}
.pane__title {{ font-size: 0.875rem; margin: 0 0 2px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.pane__title--earlier {{ background: #ffeb3b; color: #212b32; padding: 0 4px; }}
.viewer {{ flex: 1; min-height: 0; display: flex; flex-direction: column;
  border: 1px solid {BORDER}; }}
.viewer-toolbar {{ display: flex; flex-wrap: wrap; align-items: center; gap: 2px; padding: 2px;
  background: #f0f4f5; border-bottom: 1px solid {BORDER}; }}
.viewer-button {{ flex: none; font: 12px/1.2 Arial, sans-serif; min-width: 24px; padding: 3px 4px;
  color: {TEXT}; background: #fff; border: 1px solid #aeb7bd; border-radius: 2px;
  cursor: pointer; }}
.viewer-button:hover {{ background: #e8edee; }}
.viewer-tip {{ position: absolute; top: 2px; left: 2px; z-index: 5; padding: 2px 6px;
  white-space: nowrap; font-size: 12px; color: #fff; background: {TEXT}; pointer-events: none; }}
.viewer-button[aria-pressed="true"] {{ background: {NHS_BLUE}; color: #fff; }}
.viewer-button:focus {{ outline: 3px solid {FOCUS}; outline-offset: 0;
  box-shadow: inset 0 0 0 2px {TEXT}; }}
.viewer-status {{ margin-left: auto; padding: 0 2px; font-size: 11px; color: {SECONDARY_TEXT};
  white-space: nowrap; }}
.viewer-frame {{ position: relative; overflow: hidden; flex: 1; min-height: 0;
  background: #e8edee; cursor: grab; touch-action: none; }}
.viewer-frame:focus {{ outline: 4px solid {FOCUS}; outline-offset: -4px; }}
.viewer-image {{ position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain;
  user-select: none; }}
.viewer-loupe {{ position: absolute; width: 180px; height: 180px; border-radius: 50%;
  border: 3px solid {TEXT}; overflow: hidden; pointer-events: none; background: #fff;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.4); z-index: 2; }}
.viewer-empty {{ position: absolute; inset: 0; display: flex; align-items: center;
  justify-content: center; margin: 0; padding: 16px; text-align: center; font-weight: bold; }}
.viewer-error {{ flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 8px;
  padding: 6px 8px; font-weight: bold; border-left: 5px solid #d5281b; background: #fff; }}
.viewer-error p {{ margin: 0; flex: 1 1 200px; }}
.viewer-retry {{ min-height: 32px; padding: 4px 12px; font: bold 16px Arial, sans-serif;
  color: #fff; background: {TEXT}; border: 2px solid {TEXT}; border-radius: 4px;
  cursor: pointer; }}
.viewer-retry:focus {{ outline: 3px solid {FOCUS}; outline-offset: 0;
  box-shadow: 0 0 0 6px {TEXT}; }}
.thumbs {{ list-style: none; display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0 0;
  padding: 0; }}
.thumbs__button {{ display: flex; flex-direction: column; align-items: center; gap: 1px;
  padding: 2px; font: 11px/1.2 Arial, sans-serif; color: {TEXT}; background: #fff;
  border: 2px solid {BORDER}; cursor: pointer; }}
.thumbs__button[aria-pressed="true"] {{ border-color: {NHS_BLUE};
  box-shadow: inset 0 -3px {NHS_BLUE}; }}
.thumbs__button:focus {{ outline: 3px solid {FOCUS}; }}
.thumbs__button img {{ display: block; width: 64px; height: 44px; object-fit: cover; }}
.thumbs__label {{ max-width: 96px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.referral-note {{ margin: 4px 0 0; padding-left: 6px; border-left: 4px solid #ffb81c; }}
.workspace__side {{ display: flex; flex-direction: column; gap: 6px; min-height: 0;
  overflow: auto; }}
.tabs {{ display: flex; gap: 4px; border-bottom: 1px solid {BORDER}; }}
.tabs__tab {{ font: inherit; padding: 3px 10px; color: {TEXT}; background: #f0f4f5;
  border: 1px solid {BORDER}; border-bottom: 0; cursor: pointer; }}
.tabs__tab[aria-selected="true"] {{ background: #fff; font-weight: bold;
  box-shadow: inset 0 3px {NHS_BLUE}; }}
.tabs__tab:focus {{ outline: 3px solid {FOCUS}; }}
.compare {{ width: 100%; border-collapse: collapse; font-size: 0.8125rem; }}
.compare caption {{ text-align: left; font-weight: bold; padding-bottom: 2px; }}
.compare th, .compare td {{ text-align: left; padding: 2px 4px; border-bottom: 1px solid {BORDER};
  vertical-align: top; }}
.compare__row--mismatch {{ background: #fdf0ef; }}
.compare__row--mismatch th {{ box-shadow: inset 4px 0 #d5281b; padding-left: 8px; }}
.compare__differs {{ color: #a11d13; font-weight: bold; }}
.compare__flag {{ display: block; font-size: 0.75rem; color: #a11d13; }}
.compare__count {{ color: #a11d13; }}
.compare__ok {{ font-weight: normal; color: #00401e; }}
.aids {{ list-style: none; margin: 0; padding: 0; font-size: 0.8125rem; }}
.aid {{ display: flex; gap: 6px; padding: 1px 0; }}
.aid__icon {{ flex: none; width: 16px; height: 16px; margin-top: 1px; font: bold 11px/16px Arial;
  text-align: center; color: #fff; }}
.aid--ok .aid__icon {{ background: #007f3b; border-radius: 50%; }}
.aid--warning .aid__icon {{ background: #d5281b; }}
.aid--warning {{ font-weight: bold; }}
.faces {{ display: flex; gap: 8px; margin: 4px 0 0; }}
.faces__crop {{ margin: 0; font-size: 0.75rem; text-align: center; }}
.faces__img, .faces__none {{ display: block; width: 88px; height: 88px;
  border: 1px solid #aeb7bd; }}
.faces__none {{ display: flex; align-items: center; justify-content: center; background: #f0f4f5; }}
.aid--info .aid__icon {{ background: {NHS_BLUE}; border-radius: 50%; font-style: italic; }}
.earlier {{ border-left: 4px solid #aeb7bd; padding-left: 8px; margin-bottom: 8px; }}
.earlier__heading {{ font-size: 0.875rem; margin: 0; }}
.earlier__reasons {{ margin: 2px 0; padding-left: 18px; }}
.earlier__none {{ margin: 2px 0; }}
.earlier__message {{ margin: 2px 0; }}
.earlier__message p {{ margin: 2px 0; white-space: pre-wrap; }}
.decision-area {{ display: flex; flex-direction: column; gap: 6px; margin-top: auto; }}
.checklist, .reasons {{ border: 0; margin: 0; padding: 0; min-width: 0; }}
.checklist legend, .reasons legend {{ font-weight: bold; padding: 0; }}
.check__count {{ font-weight: normal; color: {SECONDARY_TEXT}; }}
.checks {{ list-style: none; margin: 0; padding: 0; }}
.check {{ display: flex; align-items: center; gap: 0; min-height: 26px; }}
input.check__box {{ flex: none; width: 24px; height: 24px; min-height: 0; margin: 1px 0;
  padding: 0; accent-color: {NHS_BLUE}; cursor: pointer; }}
.check__label {{ display: flex; flex: 1; align-items: center; gap: 6px; margin: 0;
  padding: 1px 0 1px 8px; min-height: 26px; font-weight: normal; font-size: 0.8125rem;
  cursor: pointer; }}
.checklist--error, .reasons--error {{ border-left: 4px solid #d5281b; padding-left: 8px; }}
.field-error {{ margin: 0; color: #d5281b; font-weight: bold; font-size: 0.8125rem; }}
.decision-form {{ display: flex; flex-direction: column; gap: 3px; }}
.decision-form label {{ margin: 2px 0 0; font-size: 0.8125rem; }}
.reasons .checks {{ display: grid; grid-template-columns: 1fr 1fr; column-gap: 8px; }}
.textarea {{ width: 100%; font: 0.8125rem/1.3 Arial, sans-serif; color: {TEXT}; padding: 3px 5px;
  border: 2px solid {SECONDARY_TEXT}; resize: none; }}
.textarea:focus {{ outline: 4px solid {FOCUS}; outline-offset: 0; border-color: {TEXT}; }}
.form-actions {{ display: flex; gap: 8px; margin-top: 2px; }}
.form-actions .button {{ font-size: 0.875rem; padding: 6px 12px; }}
.decision-bar {{ display: flex; flex-wrap: wrap; gap: 8px; padding-top: 4px; }}
.decision-bar .field-error {{ flex-basis: 100%; }}
.decision-bar__button {{ flex: 1; display: inline-flex; align-items: center;
  justify-content: center; gap: 8px; font-size: 1rem; padding: 8px 10px; }}
.error-summary--dense {{ padding: 6px 10px; margin: 0; border-width: 3px; }}
.error-summary__title {{ font-size: 0.9375rem; margin: 0 0 2px; }}
.error-summary__list {{ margin: 0; padding-left: 18px; }}
.error-summary a {{ color: #d5281b; font-weight: bold; }}
.error-summary:focus {{ outline: 4px solid {FOCUS}; }}
.dialog-backdrop {{ position: fixed; inset: 0; z-index: 20; display: flex; align-items: center;
  justify-content: center; background: rgba(33, 43, 50, 0.6); }}
.dialog {{ width: 90%; max-width: 680px; max-height: 90vh; overflow: auto; padding: 16px 24px;
  background: #fff; border-top: 6px solid {NHS_BLUE}; }}
.dialog h2 {{ margin-top: 0; }}
.shortcut-table td, .shortcut-table th {{ padding: 4px 12px 4px 0; }}
"""

# The lead's dashboard (ui/pages/dashboard.py) and the live board.
DASHBOARD = f"""
.dashboard-section {{ margin-bottom: 40px; }}
.chart {{ margin: 0 0 8px; }}
.chart__image {{ height: 260px; max-width: 960px; }}
.chart__image--tall {{ height: 400px; }}
.chart__summary {{ font-weight: bold; margin: 8px 0; }}
.details {{ margin: 8px 0 16px; }}
.details__summary {{ color: {NHS_BLUE}; cursor: pointer; text-decoration: underline; }}
.details__summary:focus {{ outline: 4px solid transparent; background: {FOCUS};
  color: {TEXT}; box-shadow: 0 -2px {FOCUS}, 0 4px {TEXT}; text-decoration: none; }}
.details__text {{ border-left: 4px solid {BORDER}; padding: 8px 16px; margin-top: 8px;
  overflow-x: auto; }}
.table--figures td, .table--figures th {{ font-size: 0.9375rem; white-space: nowrap; }}
.radios {{ border: 0; padding: 0; margin: 0 0 16px; display: flex; flex-wrap: wrap;
  gap: 8px 24px; }}
.radios legend {{ font-weight: bold; padding: 0; margin-bottom: 8px; }}
.radio {{ display: flex; align-items: center; gap: 8px; }}
.radio input {{ width: 24px; height: 24px; margin: 0; }}
.radio input:focus {{ outline: 4px solid {FOCUS}; outline-offset: 2px; }}
.period-form input[type=date] {{ font: inherit; padding: 4px; border: 2px solid {TEXT}; }}
.period-form input[type=date]:focus {{ outline: 4px solid {FOCUS}; }}
.table__caption {{ text-align: left; color: {SECONDARY_TEXT}; font-size: 1rem; }}
.board__warning {{ color: #a11d13; }}
.board__form {{ padding: 8px 0; max-width: 640px; }}
.board__referrals li {{ margin-bottom: 8px; }}
"""

STYLESHEET = STYLESHEET + KEYS + QUEUE + WORKSPACE + DASHBOARD
