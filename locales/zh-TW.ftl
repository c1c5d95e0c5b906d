# scamguard：繁體中文介面（台灣、香港）。
# 純文字（不用 Markdown 或 HTML），Telegram 會照原樣顯示。
# 這裡的每個鍵在 en.ftl 和 zh-CN.ftl 中也必須存在，測試會檢查。

## /start、/help、/privacy

start =
    你好！我幫你在詐騙正在發生時識破它。

    使用方式：把收到的訊息轉傳給我（或直接貼上），也可以傳送 /check 加上訊息內容。情況正常時我會平靜地回覆；一旦出現危險訊號，例如要你分享螢幕、安裝遠端遙控軟體，或是「先匯款驗證／啟用帳戶」，我會馬上提醒你。

    隱私：我從不儲存、也不記錄你的訊息內容。

    傳送 /help 查看所有指令。

help =
    我能做什麼：我會閱讀你轉傳或貼上的訊息，追蹤整段對話，一發現常見的詐騙手法就告訴你：假冒電商或物流客服、「退款理賠」「帳戶異常」「誤設會員／分期扣款」等藉口、分享螢幕、遠端遙控軟體、「匯款啟用／驗證」、「安全帳戶」、索取驗證碼等。

    指令：
    /check 內容：單獨檢查一則訊息
    /reset：忘記這段對話，重新開始
    /lang en | zh-CN | zh-TW：選擇回覆語言
    /privacy：我會保存什麼、不會保存什麼

    連續轉傳好幾則訊息時，我會在最後一則之後統一回覆一次；遇到危險訊息則立刻提醒。

privacy =
    我會保存：你選擇的語言；每次提醒符合的規則編號與風險等級，以及你按下的「是詐騙／不是詐騙」（如果有按）。聊天 ID 只以加鹽雜湊的形式保存。
    我絕不保存：你的訊息內容，資料庫和紀錄檔裡都沒有。
    我追蹤的對話只存在記憶體中，沉默 30 分鐘後自動忘記，傳送 /reset 則立即忘記。

## /lang、/reset、/check

lang-usage =
    目前回覆語言：{ $current }。可以改成：
    /lang en（English）
    /lang zh-CN（简体中文）
    /lang zh-TW（繁體中文）
lang-set = 好的，之後我會用繁體中文回覆你。
reset-done = 好的，這段對話我已經忘記了。有新訊息隨時轉傳給我。
check-usage = 請傳送 /check 加上訊息內容，例如：/check 您的包裹遺失了，請加客服 LINE 辦理理賠。也可以回覆某則訊息並傳送 /check。
check-clean = 這則訊息裡沒有發現我認得的詐騙特徵。但這不代表一定安全：只要有人跟你要錢、要驗證碼或要你分享螢幕，請立刻停下來，自己撥打官方電話查證。
check-caution = 風險等級：{ $level }。這裡出現了常見詐騙手法的跡象，單看還不算危險。接下來請多加留意。

## 連續轉傳時的平靜回覆

advice-reply = 這是一段防詐騙提醒，提醒的內容是對的：真正的客服、銀行和警察不會要你加微信、LINE、QQ 或下載其他 App，不會要你分享螢幕、報驗證碼，也不會要你把錢轉到「安全帳戶」。這段話本身沒有要你做任何事。如果現在有人正要你做這些事，把對方的訊息轉給我。
report-reply = 這段話講的是別人遇到的一次詐騙，我認得這個手法。
report-advice =
    如果正發生在你或家人身上：馬上停止，掛掉電話，不要付款、掃碼或透露驗證碼，自己撥打卡片背面的電話查證。
    已經匯款的，立即聯絡銀行止付並報警；台灣可撥 165，香港可撥「防騙易」18222。
calm-batch =
    目前我已看過 { $count } 則訊息。風險等級：{ $level }。已發現：{ $stages }。
calm-no-stages = 暫時沒有發現詐騙跡象
calm-watching = 一旦出現危險訊號，我會立刻提醒你。
calm-warned = 這段對話已經很像詐騙（請看上面的提醒）：不要匯款，也不要提供驗證碼或任何資料。

chain-pretext = 假冒身分
chain-hook = 編造理由
chain-channel = 引到別處
chain-control = 控制裝置
chain-extract = 騙錢騙驗證碼

level-none = 未見可疑
level-caution = 注意
level-warning = 警告
level-danger = 危險

stage-pretext = 假冒客服、物流、銀行或警察、檢察官
stage-hook = 製造急迫的理由（退款理賠、包裹遺失、扣款、帳戶異常）
stage-channel = 把你引到別的 App、連結或 QR Code
stage-control = 控制你的手機或電腦（分享螢幕、遠端遙控）
stage-extract = 索取金錢、驗證碼或信用卡、金融卡資料

## 提醒

warning-title-warning = ⚠️ 警告：這很像詐騙。
warning-title-danger = 🚨 危險：這是詐騙，請立刻停止！
warning-found = 我發現了：
warning-finding = • 「{ $quote }」：{ $stage }
warning-why = 為什麼這是詐騙：
warning-todo = 現在該怎麼做：
warning-advice =
    • 立刻停止：掛掉電話、不要再回覆，關閉分享螢幕、視訊會議或遠端遙控軟體。
    • 不要匯款、不要掃 QR Code、不要分享螢幕、不要安裝 App，也不要把驗證碼告訴任何人。
    • 自己撥打卡片背面或官方網站上的客服電話查證，不要用對方給的號碼。
    • 有疑問請撥反詐騙專線：台灣 165，香港「防騙易」18222。已經匯款或洩漏驗證碼，請馬上聯絡銀行止付，並立即報警。
warning-chain = 這段對話到目前為止：{ $chain }
warning-feedback = 這次提醒準確嗎？你的回饋能幫助改進規則。

## 回饋按鈕

fb-scam = 是詐騙
fb-ok = 不是詐騙
fb-thanks-scam = 謝謝！請注意安全，不要再給對方任何東西。
fb-thanks-ok = 謝謝，已經記下來了，這能幫我減少誤判。
fb-unknown = 這則提醒時間太久，已經無法評分。

## 指令說明（輸入框旁的選單）

cmd-start = 這個機器人能做什麼
cmd-help = 使用說明
cmd-check = 檢查一則訊息
cmd-reset = 忘記這段對話
cmd-lang = 選擇語言
cmd-privacy = 保存了哪些資料

## 群組

group-hello =
    大家好！我會在本群辨識詐騙訊息：假冒客服、螢幕分享、「安全帳戶」、保證金、驗證碼等。
    預設設定：達到「警告」等級時提醒，達到「危險」等級時刪除。要刪除訊息、禁言或封鎖，我需要成為管理員，並擁有「刪除訊息」和「封鎖使用者」權限。
    管理員：用 /settings 修改設定，/help 查看全部指令。一般聊天我不會回覆。
group-help =
    我會檢查本群的每則訊息，只處理看起來像詐騙的內容；一般聊天我不會回覆。
    所有人可用：
    /report（回覆某則訊息）：請我重新檢查這則訊息，並通知管理員
    /status：我在本群的設定
    /stats：我在本群做過的處理
    管理員可用：
    /settings：用按鈕修改設定
    /mode warn | delete | mute | ban | off：達到門檻後的處理方式
    /threshold warning | danger：處理方式從哪個等級開始
    /trust、/untrust（回覆訊息，或附上使用者 ID）：不再處理 / 恢復檢查該成員
    /lang en | zh-CN | zh-TW：我在本群使用的語言
group-warn-warning =
    ⚠️ 注意：這則訊息像是詐騙。{ $why }
    不要付款，不要透露驗證碼，不要分享螢幕，也不要私下聯絡發送者。
group-warn-danger =
    🚨 危險：這則訊息是詐騙。{ $why }
    不要付款，不要透露驗證碼，不要分享螢幕，也不要私下聯絡發送者。
group-removed = 🚫 我刪除了一則詐騙訊息（等級：{ $level }）。{ $why }
group-removed-muted = 🚫 我刪除了一則詐騙訊息（等級：{ $level }），並將發送者禁言 { $minutes } 分鐘。{ $why }
group-removed-banned = 🚫 我刪除了一則詐騙訊息（等級：{ $level }），並封鎖了發送者。{ $why }
group-why-unknown = 它符合已知的詐騙手法。
group-no-right-delete = 我無法在本群刪除詐騙訊息：需要管理員權限「刪除訊息」。在取得權限之前，我只會提醒。
group-no-right-restrict = 我無法在本群禁言或封鎖：需要管理員權限「封鎖使用者」。在取得權限之前，我只會刪除或提醒。
group-rights = 我在本群的權限：刪除訊息：{ $delete }；禁言和封鎖：{ $restrict }。
group-demoted = 我已不再是本群管理員，只能提醒詐騙訊息。請把我設為管理員，並授予「刪除訊息」和「封鎖使用者」權限。
group-only = 這個指令只能在群組中使用。
not-admin = 只有本群管理員才能修改我的設定。
admin-unverified = 我暫時無法確認你是否為本群管理員，請稍後再試。
mode-usage = 用法：/mode warn | delete | mute | ban | off。目前：從「{ $threshold }」等級起{ $mode }。
mode-set = 已設定：從「{ $threshold }」等級起{ $mode }；低於該等級時提醒。
threshold-usage = 用法：/threshold warning | danger。目前：「{ $threshold }」。
threshold-set = 已設定：從「{ $threshold }」等級起{ $mode }；低於該等級時提醒。
trust-usage = 請用 /trust（或 /untrust）回覆該成員的訊息，或在指令後附上其數字使用者 ID。
trust-done = 已設定：我不會再處理該成員在本群的訊息。
untrust-done = 已設定：該成員的訊息會和其他人一樣被檢查。
trust-unchanged = 無需變更：本來就是這樣。
group-status =
    本群設定：「警告」等級：{ $warning }；「危險」等級：{ $danger }；禁言時長 { $minutes } 分鐘。
    試運行（只告訴管理員）：{ $dry }。私訊通知管理員：{ $notify }。
    新成員（加入不到 { $days } 天，或發言少於 { $messages } 則）按更嚴格一級判斷。受信任成員：{ $trusted }。
    我的權限：刪除訊息：{ $delete }；禁言和封鎖：{ $restrict }。已載入規則：{ $rules }。
group-stats = 本群至今：檢查 { $messages } 則訊息，提醒 { $warned } 次，刪除 { $deleted } 則，禁言 { $muted } 次，封鎖 { $banned } 次，檢舉 { $reports } 次，試運行發現 { $dry } 次，失敗 { $failed } 次。
report-usage = 請用 /report 回覆你想讓我檢查的訊息。
report-limited = 你剛剛已檢舉了多則訊息，請過幾分鐘再檢舉。
report-clean = 謝謝。我沒有在這則訊息中發現已知的詐騙特徵；已通知管理員，他們也會看一看。
report-acted = 謝謝：這則訊息是詐騙（等級：{ $level }）。我已處理並通知管理員。
notify-done = 在「{ $group }」中，我{ $what }（等級：{ $level }）。{ $why }
notify-dry = 「{ $group }」試運行：我本來會{ $what }（等級：{ $level }）。{ $why }
notify-report = 「{ $group }」的一位成員檢舉了一則訊息。我的檢查結果：{ $level }。{ $why }
what-warn = 提醒了一則訊息
what-delete = 刪除了一則訊息
what-mute = 刪除了一則訊息並將發送者禁言 { $minutes } 分鐘
what-ban = 刪除了一則訊息並封鎖了發送者
btn-undo = 撤銷（解除禁言 / 解除封鎖）
btn-confirm = 處理正確
undo-done = 已撤銷：發送者可以再次發言。已刪除的訊息無法復原。
undo-failed = 無法撤銷：Telegram 拒絕了操作。請檢查我在群組裡的管理員權限。
confirm-done = 謝謝，已記錄。
settings-title = 我在本群的處理方式，點按鈕修改：
settings-warning = 「警告」等級：{ $response }
settings-danger = 「危險」等級：{ $response }
settings-mute = 禁言時長：{ $minutes } 分鐘
settings-dry = 試運行：{ $state }
settings-notify = 私訊通知管理員：{ $state }
resp-off = 不處理
resp-warn = 提醒
resp-delete = 刪除
resp-mute = 刪除並禁言
resp-ban = 刪除並封鎖
word-yes = 是
word-no = 否
word-on = 開
word-off = 關
cmd-settings = 群組設定（管理員）
cmd-mode = 詐騙訊息的處理方式（管理員）
cmd-threshold = 從哪個等級開始處理（管理員）
cmd-trust = 不再處理某成員（管理員）
cmd-untrust = 恢復檢查某成員（管理員）
cmd-status = 機器人在本群的設定
cmd-stats = 機器人在本群的處理紀錄
cmd-report = 請機器人重新檢查一則訊息
cmd-screenshots = 讀取成員傳的截圖裡的訊息（on / off）
screenshots-usage = 用法：/screenshots on | off。目前：{ $state }。開啟後，我會讀取成員傳的截圖裡的訊息，像一般訊息一樣檢查。
screenshots-set = 好的：本群的截圖讀取已{ $state }。
screenshots-on = 開啟
screenshots-off = 關閉

quote-qr = 圖片中的 QR Code：{ $content }
quote-file = 傳來的檔案：{ $content }
quote-link-text = 連結文字顯示 { $content }，點開卻是另一個網站

## 截圖（讀取圖片中的文字）

screenshot-read = 我從你的截圖中讀到 { $count } 則訊息。
screenshot-nothing = 我在這張圖片裡沒有找到文字。如果這是聊天或簡訊截圖，請傳一張更清晰的，或者把訊息複製成文字傳給我。
screenshot-off = 這台伺服器上的機器人無法讀取截圖（沒有安裝文字辨識）。請把訊息複製成文字傳給我，或者直接轉傳給我。
screenshot-busy = 我正在讀取很多圖片，沒能讀你的這張。請過一分鐘再傳一次。
screenshot-failed = 我讀不了這張圖片。請以照片形式（JPEG 或 PNG）傳送，或者把訊息複製成文字傳給我。
screenshot-limit = 你短時間內傳了很多截圖：我每分鐘最多讀 { $count } 張。請稍等一下，再傳剩下的。

## rule explanations (one key per rule: rule-<id with dots as dashes>)
why-account-locked = 銀行和各種平台不會透過簡訊裡的連結或電話號碼處理「凍結」、「停用」的帳號：那個網頁或「客服專線」就是詐騙集團的。請自己開啟官方 App，或撥打卡片背面的電話。
why-account-problem = 說你帳戶異常、有風險，是要你慌亂中先操作後查證；請自己打開官方App查看。
why-ask-password = 銀行、商家、學校、客服都不會向你索取登入密碼或提款密碼；誰要你的密碼，誰就是想盜用你的帳號。
why-borrow-to-transfer = 要你在借貸平台借錢再轉出去，是詐騙者連你的信用額度一起掏空的手法。
why-boss-impersonation = 自稱主管、說不方便通話，卻要你緊急保密轉帳或改用新的收款帳戶，是常見詐騙：請用你原有的號碼直接打給本人確認。
why-cancel-membership-fee = 「誤設為代理商或會員，不取消每月扣款」是固定話術：自己打開官方App查看，根本沒有要取消的業務。
why-cancel-student-loan = 不存在必須「註銷學生貸款帳戶」才能保護信用紀錄的事，這個說法最後是要你借錢再轉帳。
why-card-mule = 出租、出借、出售或寄出自己的提款卡、存摺、手機門號、網銀憑證，或替別人開戶，就是幫詐騙集團洗錢：你會成為人頭帳戶、觸犯法律，名下帳戶也會被凍結。正當的貸款或工作都不需要你的卡。
why-card-password = 正規機構不會同時索取你的卡號和密碼。
why-card-phishing = 銀行、保險公司、電信業者都不會要你在簡訊連結的網頁上輸入卡號、密碼或身分證字號，這些資料會直接落入詐騙集團手中。
why-coached-lie = 教你「銀行或警察問起來就說……」是最明顯的詐騙訊號：正當的業務從來不需要你對能攔下轉帳的人說謊。請立刻掛斷，據實告訴銀行行員。
why-credit-repair = 沒有人能收費幫你刪除信用紀錄，「信用修復」都是詐騙。
why-crypto-doubling = 沒有人會把你轉過去的幣加倍奉還，「連結／驗證錢包」的網頁會把幣盜走：轉出或授權的每一枚幣都會損失。
why-crypto-profit = 陌生人推薦、號稱會翻倍的幣，往往是沒有價值的空氣幣或假交易所，買了之後賣不掉也領不出。
why-crypto-wallet = 轉到對方提供的錢包地址的加密貨幣無法追回；透過對方私下買幣，正是這類詐騙拿走錢的方式。
why-customs-fee = 包裹或禮物「被海關扣留」要你付錢才能放行，是常見的詐騙說法；真正的關稅是透過貨運或平台繳納，不會要你轉帳給個人。
why-deposit-before-shipping = 賣家要你私下先付訂金或全額才出貨，之後又一直加收費用，其實根本沒有商品。
why-download-app = 陌生人要你下載安裝App，通常是會議、螢幕分享或假銀行軟體，目的是看你的手機、騙你轉帳。
why-easy-money-job = 用手機點一點就能日賺幾千的「兼職」，是刷單詐騙找人的手法；真正的工作不會要你先付錢。
why-fake-authority = 警察、國稅局和法院不會用簡訊或電話要求立即付款、威脅馬上逮捕，也不收禮物卡或加密貨幣：這是施壓手法。
why-fake-cs-intro = 主動來電、能說出你訂單資料的「客服」是典型開場：訂單資料是外洩的，不能證明對方身分。
why-fake-fraud-team = 詐騙集團假冒銀行的防詐部門，裝作在保護你；真正的銀行不會要你的驗證碼、密碼，也不會叫你把錢轉走。請掛斷，自己撥打卡片背面的電話查證。
why-fake-investment-testimonial = 「小額投入變成巨額出金」的感謝文是詐騙集團自己寫的，目的是把你引到他們的假平台或「老師」那裡。
why-fake-order = 大筆訂單卻要你向對方「指定供應商」進貨或先墊付，是假訂單詐騙：供應商就是詐騙者。
why-fake-platform = 對方傳來的投資 App 或網站多半是假的，畫面上的獲利是編出來的數字，帳戶裡的「餘額」其實領不出來。
why-fake-renewal = 突然收到的高價續約帳單是假的：所謂的「退款專線」是為了控制你的電腦、進入你的網路銀行。
why-fake-tech-support = 微軟、Apple、Amazon 不會打電話或傳訊息說你的裝置中毒：假技術人員是想遠端控制你的電腦，進入你的網路銀行。
why-freeze-threat = 以凍結帳戶、逮捕相威脅是施壓手段；真正的執法機關會寄發書面文件，不會電話恐嚇。
why-gambling = 別人拉你玩的線上博弈網站都是被操控的：先讓你贏點小錢，等你要提領時就凍結帳號。
why-gambling-withdraw = 「流水不足」「違規下注」「繳保證金才能解凍」都是藉口，賭博網站從一開始就不打算讓你出金。
why-gift-card-payment = 稅務機關、警察、公司和老闆都不會收禮物卡付款：卡片背面的號碼一旦給出去，錢就沒了，也追不回來。
why-guaranteed-profit = 沒有任何正當投資能保證穩賺不賠；「保本高報酬」「虧了算我的」是騙子要你把錢匯進他們控制的平台的話術。
why-guaranteed-returns = 沒有任何真實投資能保證每日獲利或翻倍報酬：畫面上的獲利是假的，想出金就會被要求繼續儲值。
why-insider-tip = 陌生人不會真的給你內線消息；所謂「內部消息」只是催你趕快在假平台入金。
why-invest-more = 先讓你小賺一筆，再一直催你加碼，這是投資詐騙的核心：前面的「獲利」只是為了騙更大的一筆。
why-investment-mentor = 帶單「老師」和滿是獲利截圖的投資群組都是演出來的，最後會把你帶到只能入金、不能出金的假平台。
why-leader-claim = 詐騙者冒充主管、老闆要求緊急轉帳：當面或用已知電話確認後再處理。
why-leader-secrecy = 「別告訴我爸媽」是為了不讓你向最了解情況的人查證。
why-loan-card-error = 「帳號填錯導致貸款被凍結」是固定話術，需要付解凍金的凍結貸款根本不存在。
why-loan-fee-first = 正規貸款不會在撥款前收錢：先付的手續費、保證金、驗資款都拿不回來。
why-loan-offer = 主動推銷、要你下載App或加好友辦理的貸款，通常在撥款前就開始收各種費用。
why-meeting-app = 詐騙者用會議軟體一邊「指導」一邊看你的螢幕；真正的客服和警察不會在視訊會議裡辦理退款或案件。
why-million-guarantee = 所謂不關閉就扣費的「百萬保障」並不存在，只是引你一步步轉帳的藉口。
why-new-number = 先說換號碼、不方便接電話，再開口要錢，是典型冒充熟人手法：請用原本的號碼回撥確認。
why-off-platform-trade = 把交易轉到 LINE、微信或私下轉帳，就失去了平台的交易保障；騙子這樣做就是要讓錢追不回來。
why-offplatform-chat = 詐騙者要你加LINE、微信或其他通訊軟體，是為了離開平台的保障；正規客服只在平台內處理問題。
why-overseas-job = 高薪、不需經驗的出國工作（打字員，或到緬甸、柬埔寨等東南亞地區當「客服」），還幫你安排機票和過境，是把人騙進境外詐騙園區的慣用手法：人一到就會被扣押，被逼著去騙別人。
why-parcel-fee = 物流公司不會傳簡訊要你透過連結支付一點點重新配送費或關稅：小額付款是為了騙取你的信用卡資料。
why-parcel-lost-claim = 包裹遺失理賠在購物平台內處理、原路退回，不需要加好友、下載軟體或轉帳。
why-pay-on-my-behalf = 自稱主管或親友的人說自己的付款「被限額」「被凍結」，或人在國外、正在開會，要你幫他付錢給第三方或先代墊，是假冒熟人的詐騙：他說會還你、轉給你的錢根本不會入帳。付款前請用原有的號碼打給本人確認。
why-platform-loophole = 博弈或交易平台沒有什麼祕密漏洞或必中規律；「平台漏洞」的說法是要你在詐騙集團控制的網站儲值。
why-police-call = 檢警和法院不會用電話、通訊軟體或視訊辦案，更不會要你轉帳：掛掉電話，自己撥165或110查證。
why-police-crime-claim = 「你的身分涉及刑案」是假檢警詐騙的開場，用恐懼讓你聽話、保密。
why-police-secrecy = 要你保密、一個人待著，是為了切斷你和能提醒你被騙的人之間的聯繫。
why-police-warrant = 真正的拘票、通緝令不會透過通訊軟體、連結或網站給你看，網路上的「通緝令」都是偽造的。
why-premium-callback = 要你回撥的是高額付費號碼：通話本身就在扣你的錢，他們會盡量拖長通話時間。
why-prize-claim = 領獎連結是用來蒐集你的個資和銀行帳戶資料的；請透過主辦單位的官方管道查證。
why-prize-fee = 真正的獎品不用先付錢才能領；領獎前要先繳稅金、手續費或運費的「大獎」並不存在。
why-prize-you-won = 沒參加的抽獎不可能中獎：所謂的獎品只是要你撥打高額付費電話，或交出個人和銀行資料。
why-pyramid = 靠拉下線、繳入會費、按層級分紅賺錢是老鼠會和資金盤的特徵：用新人的錢支付舊會員，最後一定崩盤。
why-pyramid-recruit = 收入靠拉下線、招新人繳錢入會，就是老鼠會：你賺的是新人賠掉的錢，一旦拉不到人就會崩盤，你繳的入會費也拿不回來。
why-qr-receive-money = 收錢從來不需要掃碼：掃陌生人的QR Code只會付款給對方或開啟釣魚網頁。
why-recharge-to-withdraw = 要你再儲值、再做一單、說「卡單」才能提領的平台，根本沒有幫你保管錢：每一次「再儲值一筆」都是新的被騙款項。
why-recovery-scam = 聲稱收費幫你追回被騙款項的「追款專家」是同一種詐騙，專找已經被騙過的人。
why-refund-claim-form = 真正的退稅和政府補助會自動撥付或在官方網站辦理；附領取連結的簡訊是用來騙取信用卡和帳戶資料的表單。
why-refund-overpayment = 「多退了錢，請把差額匯回來」是演出來的：他們只是在你自己的帳戶之間搬錢，而你匯回去的是真的錢。
why-relative-claim = 詐騙者會冒充親戚、同學或老師：問一個只有本人知道的問題，或直接回撥查證。
why-relative-trouble = 打架、被抓、住院、滯留國外等說法，是為了讓你來不及查證就先付錢。
why-remote-app = 遠端控制和投影軟體等於把手機交給對方：對方能直接讀取驗證碼、轉走你的錢。
why-reply-is-contract = 回覆一則你沒要求過的推銷簡訊，或回撥其中的號碼，可能就被當成你同意訂購，從此被扣你從沒想要的月租或高額加值服務費：不要回覆，也不要回撥。
why-reseller-fee = 代理費、囤貨款、升級費才是這類微商騙局真正賺錢的地方；出現的「買家」往往是安排好的暗樁。
why-romance-investment = 網路上認識的朋友或對象把話題轉到賺錢平台，就是典型的「殺豬盤」：感情只是為了讓你入金。
why-romance-money = 只在網路上認識的人，說愛你、談未來，接著就遇到急事要錢（生病、機票、欠債、手續費），這是典型的假交友詐騙：錢不會還回來，要錢只會越來越多。沒見過面的人，不要匯錢給他。
why-safe-account = 根本沒有「安全帳戶」：檢警和銀行從不要求你把錢轉到任何地方來保護或清查。
why-screen-share = 任何正規服務都不需要看你的螢幕：一旦分享螢幕，詐騙者就能看到你的簡訊驗證碼和網銀操作。
why-seed-phrase = 助記詞就是你的錢包：誰拿到都能轉走全部資產，任何客服、空投或驗證都不需要它。
why-seller-activation-fee = 賣家收買家的錢不需要繳任何保證金、開通費或認證費，要你付的這筆錢就是詐騙本身。
why-seller-frozen-payment = 二手拍賣平台上買家付款，從來不需要賣家掃碼、點連結或「開通」什麼；那個連結通往的是假客服。
why-send-credentials = 銀行、Apple、PayPal 或錢包都不會要你用訊息傳送密碼、PIN 碼、CVV 或卡號：拿到這些資料的人就能把帳戶清空。
why-sms-callback-link = 這則訊息要你用它提供的號碼或連結處理；請改用該公司的官方 App 或官網自行查證。
why-sms-link = 簡訊說點數即將到期、ETC 失效、健保卡異常、帳戶凍結，要你點連結處理，就是釣魚詐騙；請用官方 App 或官方電話查證，不要點簡訊裡的連結。
why-task-brushing = 按讚、追蹤、刷單賺佣金是假兼職詐騙的誘餌：先讓你做幾筆小任務嘗到甜頭，之後的大單要你自己先墊錢，錢就拿不回來了。
why-task-job-scam = 真正的工作不會靠按讚影片賺錢，也不會要你先儲值、繳押金才能接任務或出金：繳出去的每一筆錢都拿不回來。
why-task-prepay = 刷單詐騙要你先墊付「訂單」，保證本金加佣金一起退還；前面幾筆小額退了之後，大額的就再也不退了。
why-tell-code = 驗證碼就是你帳號和付款的鑰匙：誰要你說出驗證碼，誰就能轉走你的錢。
why-too-cheap = 遠低於市價的「內部管道」「法拍、查扣品」是誘餌，目的是讓你在平台外付款。
why-transfer-to-stranger = 轉進對方提供的帳戶很難追回，務必先透過你信任的管道確認收款人身分。
why-transfer-to-verify = 沒有任何帳戶需要靠轉帳來「啟用」或「驗證」：轉出去的錢就沒了，接著還會要你再轉。
why-unknown-link = 陌生人傳來的連結和QR Code，常通往竊取卡號與驗證碼的釣魚網頁或付款頁面。
why-unsolicited-order-cancel = 說你有一筆從沒下過的訂單或訂閱，附上連結或電話「幫你取消」，這是誘餌：網頁和「客服」都是詐騙集團的。請自己打開商家的官方 App 查看訂單。
why-unsolicited-refund = 真正的退款由買家發起、原路退回；陌生人主動說要賠償你，是在為騙你轉帳鋪路。
why-upfront-fee = 退款、理賠、撥款或解凍前要先付保證金、手續費、解凍金，這本身就是詐騙：正規業務不會先收錢。
why-urgent-money = 緊急要錢、尤其要轉到第三人帳戶的請求，務必先用你原有的號碼打給本人確認。
why-ussd-code = 以 * 開頭、# 結尾的代碼會更改手機設定，有些會把你的來電和簡訊驗證碼轉給詐騙集團。陌生人傳來的代碼千萬不要撥。
why-withdraw-fee = 正規平台的費用會直接從餘額扣除；出金前要你先繳稅金、手續費、保證金，代表這筆錢永遠領不出來。
why-withdraw-stall = 一要出金就說「平台維護中」「審核中，請耐心等候」，是假平台在錢已經領不出來時的說詞：不要再儲值，儘快撥打165報案。
why-link-brand-mismatch = 訊息裡提到一家知名公司，但連結指向的是另一個網站。正規公司只會讓你前往自己的官方網域：請打開官方App或自己輸入網址。
why-link-lookalike = 這個連結的網域在模仿知名公司的名字（多一個字、換一個字母或用數字冒充字母），不是該公司的網站。
why-link-brand-subdomain = 連結開頭寫著公司名字，但真正的網站是第一個單斜線前的最後部分，它屬於別人。
why-link-punycode = 這個連結的網址用了其他文字裡長得很像的字母，看起來是熟悉的名字，實際會打開別的網站。
why-link-ip-host = 這個連結直接指向一串數字位址，而不是公司的網站名稱：正規服務從不這樣傳給你。
why-link-userinfo = 這個連結裡「@」前面的內容只是偽裝，瀏覽器實際會打開「@」後面的網站。
why-link-shortener = 短網址會隱藏真實去向。不要打開陌生訊息裡的短網址。
why-link-apk = 這個連結會下載應用程式商店之外的 Android 安裝檔；詐騙者用這種App讀取你的驗證碼、控制你的手機。
why-link-risky-tld = 這個連結使用了簡訊詐騙常用的廉價新網域結尾，正規公司很少使用。
why-qr-meeting = 這個 QR Code 會打開視訊會議或螢幕分享、遠端控制軟體（騰訊會議、Zoom、釘釘、AnyDesk、ToDesk等）。「客服」用它看著你的螢幕操作銀行App、讀取驗證碼。不要掃描。
why-qr-payment = 這是一個付款或轉帳 QR Code。退款和理賠從來不需要你先付錢：不要掃碼付款。
why-qr-app = 這個 QR Code 會安裝應用程式商店以外的App。這類App能讀取你的簡訊和驗證碼，還能讓別人控制你的手機。
why-qr-group = 這個 QR Code 會把你拉進其他軟體的群組或加好友，詐騙者會在那裡避開監管繼續行騙。
why-file-apk = 這個檔案是聊天中傳來的 Android App。安裝陌生人傳的App，等於把簡訊、驗證碼和螢幕交給對方。
why-file-exe = 這個檔案是一個程式。執行陌生人傳來的程式，可能讓對方控制你的電腦和銀行帳戶。
why-link-text-elsewhere = 這個連結顯示的是一個網站的網址，點開卻是另一個網站：你看到的網址只是偽裝。
why-bank-risk-caller = 銀行、銀聯和所謂「風控中心」不會打電話說你的帳戶被凍結、被盜刷或涉嫌洗錢，再在電話裡一步步指導你處理。請掛斷電話，自己撥打銀行卡背面的官方號碼核實。
why-bank-risk-transfer = 沒有任何銀行會讓你轉帳或「做流水」來解除凍結、解除風控或「驗資」：你轉入的帳戶就是騙子的。
why-kidnap-claim = 自稱扣著你孩子或家人、威脅傷害他們、不許你報警的來電，多半是假綁架詐騙：請掛斷，直接聯絡家人本人或其學校、公司，並報警（110）。
why-kidnap-ransom = 透過電話或簡訊索要「贖金」就是假綁架詐騙：不要轉帳。用你原有的號碼聯絡家人，並立即報警（110）。
why-lottery-insider = 彩券開獎是隨機的，沒有人能事先知道號碼；繳會員費買「內部號碼」「包中號碼」都是詐騙。
why-romance-invest = 透過「傳錯訊息」或網路認識的陌生人，把你引到他的投資平台，或要你出錢才能來見你，這是「殺豬盤」：頁面上的獲利是假的，錢進去就出不來。
why-sextortion = 以不雅影片或照片要脅、不給錢就傳給你通訊錄的人，是恐嚇勒索：給錢只會換來更多要求。不要轉帳，保留對話紀錄，向警方報案。
why-sms-subsidy-link = 補助、退稅和津貼都在官方政府app或辦事窗口辦理，從不透過簡訊或郵件裡的連結、QR碼領取：那個頁面要的是你的卡號和驗證碼。
why-wrong-number-opener = 陌生人「傳錯訊息」後想和你交朋友，是網戀和投資詐騙常見的開場：一旦談到錢、虛擬貨幣或交易app，就要提高警覺。
why-settle-privately = 來電稱你的孩子或孫輩打傷了人、可以「私了」賠錢，是詐騙套路：警方不會撮合私下賠錢。付錢前先自己聯絡家人和派出所查證。
why-rent-other-account = 房東說自己「在外地」，要你把房租轉到他妻子、親戚或新的帳戶，可能是冒充者：先打你原有的號碼確認再付款。
why-agent-for-relative = 自稱替你在國外的丈夫、妻子或孩子辦事的人（保險經理、公司、律師）索取家人資料或款項，身分無法查證：先用你知道的號碼聯絡家人。

