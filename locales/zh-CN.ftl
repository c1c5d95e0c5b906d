# scamguard：简体中文界面（中国大陆）。
# 纯文本（不用 Markdown 或 HTML），Telegram 按原样显示。
# 这里的每个键在 en.ftl 和 zh-TW.ftl 中也必须存在，测试会检查。

## /start、/help、/privacy

start =
    你好！我帮你在诈骗发生的当下识破它。

    用法：把收到的消息转发给我（或直接粘贴），也可以发送 /check 加上消息内容。情况正常时我会平静地回复；一旦出现危险信号，比如要你共享屏幕、安装远程控制软件，或者“先转账验证/激活账户”，我会立刻提醒你。

    隐私：我从不保存、也不记录你的消息内容。

    发送 /help 查看全部命令。

help =
    我能做什么：我阅读你转发或粘贴的消息，跟踪整段对话，一旦发现常见诈骗套路就告诉你：冒充电商或快递客服、“退款理赔”“账户异常”“取消会员/代理”等借口、屏幕共享、远程控制软件、“转账激活/验证”、“安全账户”、索要验证码等。

    命令：
    /check 内容：单独检查一条消息
    /reset：忘掉这段对话，重新开始
    /lang en | zh-CN | zh-TW：选择回复语言
    /privacy：我保存什么、不保存什么

    连续转发多条消息时，我会在最后一条之后统一回复一次；遇到危险消息则立即提醒。

privacy =
    我会保存：你选择的语言；每次提醒命中的规则编号和风险等级，以及你点的“是诈骗/不是诈骗”（如果你点了）。聊天 ID 只以加盐哈希的形式保存。
    我绝不保存：你的消息内容，数据库和日志里都没有。
    我跟踪的对话只在内存中，沉默 30 分钟后自动忘掉，发送 /reset 则立即忘掉。

## /lang、/reset、/check

lang-usage =
    当前回复语言：{ $current }。可以改成：
    /lang en（English）
    /lang zh-CN（简体中文）
    /lang zh-TW（繁體中文）
lang-set = 好的，以后我用简体中文回复你。
reset-done = 好的，这段对话我已经忘掉了。有新消息随时转发给我。
check-usage = 请发送 /check 加上消息内容，例如：/check 您的快递丢失了，请添加客服微信办理理赔。也可以回复某条消息并发送 /check。
check-clean = 这条消息里没有发现我认识的诈骗特征。但这不代表一定安全：只要有人向你要钱、要验证码或要你共享屏幕，请立刻停下，自己拨打官方电话核实。
check-caution = 风险等级：{ $level }。这里出现了常见诈骗套路的迹象，单看还不算危险。接下来请多加小心。

## 连续转发时的平静回复

advice-reply = 这是一段防骗提醒，提醒的内容是对的：真正的客服、银行和警察不会让你加微信、QQ 或下载其他软件，不会让你共享屏幕、报验证码，也不会让你把钱转到"安全账户"。这段话本身没有要你做任何事。如果现在有人正要你做这些事，把对方的消息转发给我。
report-reply = 这段话讲的是别人遇到的一次诈骗，我认得这个套路。
report-advice =
    如果正发生在你或家人身上：马上停止，挂断电话，不要付款、扫码或透露验证码，自己拨打银行卡背面的电话核实。
    已经转账的，立即联系银行冻结，并拨打 110 报警；拿不准可拨打 96110 反诈专线。
calm-batch =
    目前我已看过 { $count } 条消息。风险等级：{ $level }。已发现：{ $stages }。
calm-no-stages = 暂未发现诈骗迹象
calm-watching = 一旦出现危险信号，我会立刻提醒你。
calm-warned = 这段对话已经很像诈骗（见上面的提醒）：不要转账，不要提供验证码或任何信息。

chain-pretext = 冒充身份
chain-hook = 编造理由
chain-channel = 引到别处
chain-control = 控制设备
chain-extract = 骗钱骗验证码

level-none = 未见可疑
level-caution = 注意
level-warning = 警告
level-danger = 危险

stage-pretext = 冒充客服、快递、银行或公检法
stage-hook = 制造紧迫理由（退款理赔、快递丢失、扣费、账户异常）
stage-channel = 把你引到别的软件、链接或二维码
stage-control = 控制你的手机或电脑（屏幕共享、远程控制）
stage-extract = 索要钱款、验证码或银行卡信息

## 提醒

warning-title-warning = ⚠️ 警告：这很像诈骗。
warning-title-danger = 🚨 危险：这是诈骗，请立即停止！
warning-found = 我发现了：
warning-finding = • “{ $quote }”：{ $stage }
warning-why = 为什么这是诈骗：
warning-todo = 现在该怎么做：
warning-advice =
    • 立即停止：挂断电话，不再回复，关闭屏幕共享、会议或远程控制软件。
    • 不要转账，不要扫码，不要共享屏幕，不要安装软件，不要把验证码告诉任何人。
    • 自己拨打银行卡背面或平台官方网站上的客服电话核实，不要用对方给的号码。
    • 拿不准就拨打 96110 反诈专线咨询；已经转账或泄露验证码，马上联系银行冻结并拨打 110 报警。
warning-chain = 这段对话到目前为止：{ $chain }
warning-feedback = 这次提醒准确吗？你的反馈能帮助改进规则。

## 反馈按钮

fb-scam = 是诈骗
fb-ok = 不是诈骗
fb-thanks-scam = 谢谢！请注意安全，不要再给对方任何东西。
fb-thanks-ok = 谢谢，已记录，这能帮我减少误报。
fb-unknown = 这条提醒时间太久，已无法评价。

## 命令说明（输入框旁的菜单）

cmd-start = 这个机器人能做什么
cmd-help = 使用方法
cmd-check = 检查一条消息
cmd-reset = 忘掉这段对话
cmd-lang = 选择语言
cmd-privacy = 保存了哪些数据

## 群组

group-hello =
    大家好！我会在本群识别诈骗信息：冒充客服、屏幕共享、“安全账户”、保证金、验证码等。
    默认设置：达到“警告”级别时提醒，达到“危险”级别时删除。要删除消息、禁言或封禁，我需要成为管理员，并拥有“删除消息”和“封禁用户”权限。
    管理员：用 /settings 修改设置，/help 查看全部命令。正常聊天我不会回复。
group-help =
    我会检查本群的每条消息，只处理看起来像诈骗的内容；正常聊天我不会回复。
    所有人可用：
    /report（回复某条消息）：请我重新检查这条消息，并通知管理员
    /status：我在本群的设置
    /stats：我在本群做过的处理
    管理员可用：
    /settings：用按钮修改设置
    /mode warn | delete | mute | ban | off：达到门槛后的处理方式
    /threshold warning | danger：处理方式从哪个级别开始
    /trust、/untrust（回复消息，或附上用户 ID）：不再处理 / 恢复检查该成员
    /lang en | zh-CN | zh-TW：我在本群使用的语言
group-warn-warning =
    ⚠️ 注意：这条消息像是诈骗。{ $why }
    不要付款，不要透露验证码，不要共享屏幕，也不要私下联系发送者。
group-warn-danger =
    🚨 危险：这条消息是诈骗。{ $why }
    不要付款，不要透露验证码，不要共享屏幕，也不要私下联系发送者。
group-removed = 🚫 我删除了一条诈骗消息（级别：{ $level }）。{ $why }
group-removed-muted = 🚫 我删除了一条诈骗消息（级别：{ $level }），并将发送者禁言 { $minutes } 分钟。{ $why }
group-removed-banned = 🚫 我删除了一条诈骗消息（级别：{ $level }），并封禁了发送者。{ $why }
group-why-unknown = 它符合已知的诈骗套路。
group-no-right-delete = 我无法在本群删除诈骗消息：需要管理员权限“删除消息”。在获得权限之前，我只会提醒。
group-no-right-restrict = 我无法在本群禁言或封禁：需要管理员权限“封禁用户”。在获得权限之前，我只会删除或提醒。
group-rights = 我在本群的权限：删除消息：{ $delete }；禁言和封禁：{ $restrict }。
group-demoted = 我已不再是本群管理员，只能提醒诈骗信息。请把我设为管理员，并授予“删除消息”和“封禁用户”权限。
group-only = 这个命令只能在群组中使用。
not-admin = 只有本群管理员才能修改我的设置。
admin-unverified = 我暂时无法确认你是否为本群管理员，请稍后再试。
mode-usage = 用法：/mode warn | delete | mute | ban | off。当前：从“{ $threshold }”级别起{ $mode }。
mode-set = 已设置：从“{ $threshold }”级别起{ $mode }；低于该级别时提醒。
threshold-usage = 用法：/threshold warning | danger。当前：“{ $threshold }”。
threshold-set = 已设置：从“{ $threshold }”级别起{ $mode }；低于该级别时提醒。
trust-usage = 请用 /trust（或 /untrust）回复该成员的消息，或在命令后附上其数字用户 ID。
trust-done = 已设置：我不会再处理该成员在本群的消息。
untrust-done = 已设置：该成员的消息会和其他人一样被检查。
trust-unchanged = 无需更改：本来就是这样。
group-status =
    本群设置：“警告”级别：{ $warning }；“危险”级别：{ $danger }；禁言时长 { $minutes } 分钟。
    试运行（只告诉管理员）：{ $dry }。私信通知管理员：{ $notify }。
    新成员（加入不到 { $days } 天，或发言少于 { $messages } 条）按更严格一级判断。受信任成员：{ $trusted }。
    我的权限：删除消息：{ $delete }；禁言和封禁：{ $restrict }。已加载规则：{ $rules }。
group-stats = 本群至今：检查 { $messages } 条消息，提醒 { $warned } 次，删除 { $deleted } 条，禁言 { $muted } 次，封禁 { $banned } 次，举报 { $reports } 次，试运行发现 { $dry } 次，失败 { $failed } 次。
report-usage = 请用 /report 回复你想让我检查的消息。
report-limited = 你刚刚已举报了多条消息，请过几分钟再举报。
report-clean = 谢谢。我没有在这条消息中发现已知的诈骗特征；已通知管理员，他们也会看一看。
report-acted = 谢谢：这条消息是诈骗（级别：{ $level }）。我已处理并通知管理员。
notify-done = 在“{ $group }”中，我{ $what }（级别：{ $level }）。{ $why }
notify-dry = “{ $group }”试运行：我本来会{ $what }（级别：{ $level }）。{ $why }
notify-report = “{ $group }”的一位成员举报了一条消息。我的检查结果：{ $level }。{ $why }
what-warn = 提醒了一条消息
what-delete = 删除了一条消息
what-mute = 删除了一条消息并将发送者禁言 { $minutes } 分钟
what-ban = 删除了一条消息并封禁了发送者
btn-undo = 撤销（解除禁言 / 解封）
btn-confirm = 处理正确
undo-done = 已撤销：发送者可以再次发言。已删除的消息无法恢复。
undo-failed = 无法撤销：Telegram 拒绝了操作。请检查我在群里的管理员权限。
confirm-done = 谢谢，已记录。
settings-title = 我在本群的处理方式，点按钮修改：
settings-warning = “警告”级别：{ $response }
settings-danger = “危险”级别：{ $response }
settings-mute = 禁言时长：{ $minutes } 分钟
settings-dry = 试运行：{ $state }
settings-notify = 私信通知管理员：{ $state }
resp-off = 不处理
resp-warn = 提醒
resp-delete = 删除
resp-mute = 删除并禁言
resp-ban = 删除并封禁
word-yes = 是
word-no = 否
word-on = 开
word-off = 关
cmd-settings = 群组设置（管理员）
cmd-mode = 诈骗消息的处理方式（管理员）
cmd-threshold = 从哪个级别开始处理（管理员）
cmd-trust = 不再处理某成员（管理员）
cmd-untrust = 恢复检查某成员（管理员）
cmd-status = 机器人在本群的设置
cmd-stats = 机器人在本群的处理记录
cmd-report = 请机器人重新检查一条消息
cmd-screenshots = 读取成员发的截图里的消息（on / off）
screenshots-usage = 用法：/screenshots on | off。当前：{ $state }。开启后，我会读取成员发的截图里的消息，像普通消息一样检查。
screenshots-set = 好的：本群的截图读取已{ $state }。
screenshots-on = 开启
screenshots-off = 关闭

quote-qr = 图片中的二维码：{ $content }
quote-file = 发来的文件：{ $content }
quote-link-text = 链接文字显示 { $content }，点开却是另一个网站

## 截图（读取图片中的文字）

screenshot-read = 我从你的截图中读到 { $count } 条消息。
screenshot-nothing = 我在这张图片里没有找到文字。如果这是聊天或短信截图，请发一张更清晰的，或者把消息复制成文字发给我。
screenshot-off = 这台服务器上的机器人无法读取截图（没有安装文字识别）。请把消息复制成文字发给我，或者直接转发给我。
screenshot-busy = 我正在读取很多图片，没能读你的这张。请过一分钟再发一次。
screenshot-failed = 我读不了这张图片。请以照片形式（JPEG 或 PNG）发送，或者把消息复制成文字发给我。
screenshot-limit = 你短时间内发了很多截图：我每分钟最多读 { $count } 张。请稍等一会儿，再发剩下的。

## rule explanations (one key per rule: rule-<id with dots as dashes>)
why-account-locked = 银行和各类平台从不通过短信里的链接或号码处理“冻结”“停用”的账户：那个网页或“客服电话”就是骗子的。请自己打开官方 App，或拨打银行卡背面的电话。
why-account-problem = 说你账户异常、有风险，是为了让你慌乱中先操作后核实；请自己打开官方APP查看。
why-ask-password = 银行、商家、学校、客服都不会向你索要登录密码或支付密码；谁要你的密码，谁就是想盗取你的账户。
why-borrow-to-transfer = 让你在借呗、花呗、网贷平台借钱再转出去，是骗子连你的信用额度一起掏空的手法。
why-boss-impersonation = 自称领导、说不方便通话，却要你紧急保密付款或改用新的收款账户，是常见骗局：请用你原有的号码直接打给本人确认。
why-cancel-membership-fee = "误开通了代理/会员，不取消每月扣费"是固定话术：到官方APP自己查看，根本没有需要取消的业务。
why-cancel-student-loan = 不存在需要"注销校园贷账户"才能保护征信的事情，这个说法最终是让你贷款再转账。
why-card-mule = 出租、出借、出售或邮寄自己的银行卡、电话卡、U盾，或替别人办卡，就是帮骗子转移赃款：你会涉嫌帮信罪，名下账户会被冻结。正规贷款或工作都不需要你的卡。
why-card-password = 正规机构不会同时索要你的银行卡号和密码。
why-card-phishing = 银行、保险、运营商都不会让你在短信链接的网页上填写银行卡号、密码或身份证号，这些信息会直接落到骗子手里。
why-coached-lie = 教你"银行或警察问起来就说……"是最明显的诈骗信号：正当的业务从来不需要你向能拦下转账的人撒谎。请立即挂断，如实告诉银行工作人员。
why-credit-repair = 没有人能收费帮你删除征信记录，"征信修复"都是骗局。
why-crypto-doubling = 没有人会把你转过去的币加倍返还，“连接/验证钱包”的网页会把币盗走：转出或授权的每一个币都会损失。
why-crypto-profit = 陌生人推荐、号称翻倍的币，往往是没有价值的空气币或假交易所，买了之后卖不掉也提不出。
why-crypto-wallet = 转到对方给的钱包地址的币无法追回；通过对方私下买币，正是这类诈骗拿走钱的方式。
why-customs-fee = 包裹或礼物“被海关扣留”要你交钱才能放行，是常见的诈骗说法；真实的关税通过快递或平台缴纳，不会让你转给个人。
why-deposit-before-shipping = 卖家要你私下先付定金或全款才发货，之后又不断加收费用，其实根本没有货。
why-download-app = 陌生人让你下载安装APP，往往是会议、屏幕共享或假银行软件，目的是看你的手机、骗你转账。
why-easy-money-job = 动动手指就能日赚几百的“兼职”是刷单返利诈骗拉人的方式；真正的工作从不要你先往里交钱。
why-fake-authority = 警察、税务和法院不会通过短信或电话要求立即付款、威胁马上逮捕，也不收礼品卡或加密货币：这是施压手段。
why-fake-cs-intro = 主动来电、能说出你订单信息的"客服"是典型开场：订单信息是泄露的，不能证明对方身份。
why-fake-fraud-team = 骗子冒充银行反诈部门，装作在保护你；真正的银行不会要你的验证码、密码，也不会让你转移资金。请挂断，自己拨打卡背面的电话核实。
why-fake-investment-testimonial = “小额投入变成巨额提现”的感谢帖是骗子自己写的，目的是把你引到他们的假平台或“导师”那里。
why-fake-order = 大额订单却要你从对方"指定供应商"进货或先垫付，是虚假订单诈骗：供应商就是骗子。
why-fake-platform = 对方发来的投资APP或网站多是假的，页面上的收益是编出来的数字，账户里的“余额”并不能真正取出。
why-fake-renewal = 突然收到的高价续费账单是假的：所谓“退款热线”是为了控制你的电脑、进入你的网银。
why-fake-tech-support = 微软、苹果、亚马逊从不打电话或发消息说你的设备中毒：假技术员是想远程控制你的电脑，进入你的网银。
why-freeze-threat = 以冻结账户、逮捕相威胁是施压手段；真正的执法机关会出具书面文书，而不是电话恐吓。
why-gambling = 别人拉你玩的网络博彩平台都是被操控的：先让你赢点小钱，等你提现时就冻结账户。
why-gambling-withdraw = “流水不足”“违规投注”“交保证金才能解冻”都是借口，赌博网站从一开始就不打算让你提现。
why-gift-card-payment = 税务局、警察、公司和老板都不会收礼品卡付款：卡背面的号码一旦说出去，钱就没了，也追不回来。
why-guaranteed-profit = 没有任何正规投资能保证稳赚不赔；“保本高收益”“亏了算我的”是骗子让你把钱转进他们控制的平台的话术。
why-guaranteed-returns = 没有任何真实投资能保证每日收益或翻倍回报：屏幕上的盈利是假的，想提现就会被要求继续交钱。
why-insider-tip = 陌生人不会真的给你内幕消息；所谓“内部消息”是催你赶紧往假平台里充钱。
why-invest-more = 先让你小赚一笔，再不断催你加大投入，这是投资诈骗的核心：前面的“收益”只是为了骗更大的一笔。
why-investment-mentor = 荐股“老师”和满是“赚钱晒单”的投资群都是演出来的，最后会把你带到一个钱只进不出的假平台。
why-leader-claim = 骗子冒充领导、老板要求紧急转账：当面或用已知电话确认后再操作。
why-leader-secrecy = "别告诉我爸妈"是为了不让你向最了解情况的人核实。
why-loan-card-error = "银行卡号填错导致贷款被冻结"是固定话术，需要交解冻金的冻结贷款根本不存在。
why-loan-fee-first = 正规贷款不会在放款前收钱：先交的手续费、保证金、验资款都拿不回来。
why-loan-offer = 主动推销、要你下载APP或加好友办理的贷款，通常在放款前就开始收各种费用。
why-meeting-app = 骗子用会议软件一边"指导"一边看你的屏幕；真正的客服和警察不会在视频会议里办理退款或案件。
why-million-guarantee = 所谓要关闭否则扣费的"百万保障"并不存在，只是引你一步步转账的借口。
why-new-number = 先说换号、不方便接电话，再要钱，是典型的冒充熟人手法：请用原来的号码打回去核实。
why-off-platform-trade = 把交易转到微信或私下转账，就失去了平台的担保；骗子这样做就是为了让钱追不回来。
why-offplatform-chat = 骗子让你加微信、QQ或其他聊天软件，是为了离开平台的监管和保障；正规客服只在平台内处理问题。
why-overseas-job = 高薪、零门槛的出国工作（打字员，或去缅甸、柬埔寨等东南亚地区做“客服”），还负责安排机票和过境，是把人骗进境外诈骗园区的惯用手法：人一到就会被扣押，被逼着去骗别人。
why-parcel-fee = 快递公司不会发短信让你通过链接支付一点点重新派送费或关税：小额付款是为了骗取你的银行卡信息。
why-parcel-lost-claim = 快递丢失理赔在购物平台内处理、原路退回，不需要加好友、下载软件或转账。
why-pay-on-my-behalf = 自称领导或亲友的人说自己的支付“被限额”“被冻结”，或人在国外、正在开会，要你替他付钱给第三方或先垫付，是冒充熟人的骗局：他说会还你、转你的钱根本不会到账。付款前请用原有号码打给本人确认。
why-platform-loophole = 博彩或交易平台不存在什么秘密漏洞和必中规律；“平台漏洞”的说法是为了让你在骗子控制的网站上充值。
why-police-call = 公检法不会通过电话、QQ或视频办案，更不会让你转账：挂断电话，自己拨打110核实。
why-police-crime-claim = "你的身份涉嫌犯罪"是冒充公检法诈骗的开场，用恐惧让你听话、保密。
why-police-secrecy = 让你保密、一个人待着，是为了切断你和能提醒你被骗的人之间的联系。
why-police-warrant = 真正的逮捕令、通缉令不会通过QQ、链接或网站发给你查看，网上的"通缉令"都是伪造的。
why-premium-callback = 让你回拨的是高额付费号码：通话本身就在扣你的钱，他们会尽量拖长通话。
why-prize-claim = 领奖链接是用来收集你的个人和银行卡信息的；请通过主办方的官方渠道核实。
why-prize-fee = 真正的奖品领取不需要先交钱；领奖前要先交税费、手续费或邮费的“大奖”并不存在。
why-prize-you-won = 没参加的抽奖不可能中奖：所谓奖品只是为了让你拨打高额付费电话，或交出个人和银行信息。
why-pyramid = 靠发展下线、交入会费、按层级返利赚钱是传销和资金盘的特征：用新人的钱付老人的收益，最终必然崩盘。
why-pyramid-recruit = 收入靠发展下线、拉新人交钱入会，就是传销：你赚的是新人亏掉的钱，一旦拉不到人就会崩盘，你交的入会费也拿不回来。
why-qr-receive-money = 收钱从来不需要扫码：扫陌生人的二维码只会付款给对方或打开钓鱼页面。
why-recharge-to-withdraw = 要你再充值、再做一单、“卡单了”才能提现的平台，根本没有替你保管钱：每一次“再充一笔”都是新的被骗款。
why-recovery-scam = 声称收费帮你追回被骗资金的“追款专家”是同一类骗局，专找已经被骗过的人。
why-refund-claim-form = 真正的退税和政府补助会自动发放或在官方网站办理；带领取链接的短信是用来骗取银行卡和账户信息的表单。
why-refund-overpayment = “多退了钱，请把差额还回来”是演出来的：他们只是在你自己的账户之间挪钱，而你转回去的是真钱。
why-relative-claim = 骗子会冒充亲戚、同学或老师：问一个只有本人知道的问题，或直接回拨核实。
why-relative-trouble = 打架、被抓、住院、滞留国外等说法，是为了让你来不及核实就先付钱。
why-remote-app = 远程控制和投屏软件等于把手机交给对方：对方能直接读取验证码、转走你的钱。
why-reply-is-contract = 回复一条你没要过的推销短信，或回拨其中的号码，可能就被当作你同意订购，从此被扣取你从没想要的包月或高价增值服务费：不要回复，也不要回拨。
why-reseller-fee = 代理费、囤货款、升级费才是这类微商骗局真正赚钱的地方；出现的“买家”往往是安排好的托。
why-romance-investment = 网上认识的朋友或恋人把话题转到赚钱平台上，就是典型的“杀猪盘”：感情是为了让你往平台里充钱。
why-romance-money = 只在网上认识的人，说爱你、谈未来，然后就遇到急事要钱（生病、路费、欠债、手续费），这是典型的网恋诈骗：钱不会还回来，要钱只会越来越多。没见过面的人，不要转钱给他。
why-safe-account = 根本不存在"安全账户"：公检法和银行从不要求你把钱转到任何地方来保护或核查。
why-screen-share = 任何正规服务都不需要看你的屏幕：一旦共享屏幕，骗子就能看到你的短信验证码和手机银行操作。
why-seed-phrase = 助记词就是你的钱包：谁拿到都能转走全部资产，任何客服、空投或验证都不需要它。
why-seller-activation-fee = 卖家收买家的钱不需要交任何保证金、激活费或保障金，要你交的这笔钱就是骗局本身。
why-seller-frozen-payment = 二手平台上买家付款从来不需要卖家扫码、点链接或“激活”什么；那个链接通向的是假客服。
why-send-credentials = 银行、苹果、PayPal 或钱包都不会让你通过消息发送密码、PIN、CVV 或卡号：拿到这些的人就能把账户转空。
why-sms-callback-link = 这条消息要你用它给的号码或链接办理；请改用该公司的官方 App 或官网自行核实。
why-sms-link = 短信说积分清零、ETC失效、医保卡异常、账户冻结，要你点链接处理，就是钓鱼；请用官方APP或官方电话核实，不要点短信里的链接。
why-task-brushing = 点赞、关注、刷单赚佣金是刷单诈骗的诱饵：先让你做几单小任务尝到甜头，后面的大单要你自己垫钱，钱就回不来了。
why-task-job-scam = 真正的工作不会靠点赞视频赚钱，也不会要求你先充值、交押金才能做任务或提现：交的每一笔钱都会损失。
why-task-prepay = 刷单诈骗要你先垫付“订单”，承诺连本带佣金返还；小额几单返了之后，大额的钱就再也不返了。
why-tell-code = 验证码就是你账户和支付的钥匙：谁让你说出验证码，谁就能转走你的钱。
why-too-cheap = 远低于市场价的“内部渠道”“罚没物品”是诱饵，目的是让你在平台外付款。
why-transfer-to-stranger = 转到对方提供的账户的钱很难追回，务必先通过你信任的渠道核实收款人身份。
why-transfer-to-verify = 没有任何账户需要靠转账来"激活"或"验证"：转出去的钱就没了，接下来还会让你再转。
why-unknown-link = 陌生人发来的链接和二维码，常通往窃取卡号和验证码的钓鱼页面或付款页面。
why-unsolicited-order-cancel = 说你有一笔从没下过的订单或订阅，给你链接或电话“帮你取消”，这是诱饵：网页和“客服”都是骗子的。请自己打开商家的官方APP查看订单。
why-unsolicited-refund = 真正的退款由买家发起、原路退回；陌生人主动要给你赔偿，是在为骗你转账做铺垫。
why-upfront-fee = 退款、理赔、放款或解冻前要先交保证金、手续费、解冻金，这本身就是诈骗：正规业务不会先收钱。
why-urgent-money = 紧急要钱、尤其是要转到第三人账户的请求，务必先用你已有的号码打电话给本人确认。
why-ussd-code = 以 * 开头、# 结尾的代码会更改手机设置，有的会把你的来电和短信验证码转给骗子。陌生人发来的代码千万不要拨。
why-withdraw-fee = 正规平台的费用会从余额里直接扣除；提现前要先交税费、手续费、保证金，说明这笔钱永远提不出来。
why-withdraw-stall = 一提现就说“平台维护中”“正在审核，请耐心等待”，是假平台在钱已经取不出来时的说辞：不要再往里充钱，尽快报警。
why-link-brand-mismatch = 消息里提到一家知名公司，但链接指向的是另一个网站。正规公司只会让你访问自己的官方域名：请打开官方App或自己输入网址。
why-link-lookalike = 这个链接的域名在模仿知名公司的名字（多一个词、换一个字母或用数字冒充字母），不是该公司的网站。
why-link-brand-subdomain = 链接开头写着公司名字，但真正的网站是第一个单斜杠前的最后部分，它属于别人。
why-link-punycode = 这个链接的网址用了其他文字里长得很像的字母，看起来是熟悉的名字，实际会打开别的网站。
why-link-ip-host = 这个链接直接指向一串数字地址，而不是公司的网站名：正规服务从不这样发给你。
why-link-userinfo = 这个链接里“@”前面的内容只是伪装，浏览器实际会打开“@”后面的网站。
why-link-shortener = 短链接会隐藏真实去向。不要打开陌生消息里的短链接。
why-link-apk = 这个链接会下载应用商店之外的安卓安装包；骗子用这种App读取你的验证码、控制你的手机。
why-link-risky-tld = 这个链接使用了短信诈骗常用的廉价新域名后缀，正规公司很少使用。
why-qr-meeting = 这个二维码会打开视频会议或屏幕共享、远程控制软件（腾讯会议、Zoom、钉钉、AnyDesk、ToDesk等）。“客服”用它看着你的屏幕操作银行App、读取验证码。不要扫码。
why-qr-payment = 这是一个付款或转账二维码。退款和理赔从来不需要你先付钱：不要扫码付款。
why-qr-app = 这个二维码会安装应用商店以外的App。这类App能读取你的短信和验证码，还能让别人控制你的手机。
why-qr-group = 这个二维码会把你拉进其他软件的群聊或加好友，骗子会在那里避开监管继续行骗。
why-file-apk = 这个文件是聊天中发来的安卓App。安装陌生人发的App，等于把短信、验证码和屏幕交给对方。
why-file-exe = 这个文件是一个程序。运行陌生人发来的程序，可能让对方控制你的电脑和银行账户。
why-link-text-elsewhere = 这个链接显示的是一个网站的地址，点开却是另一个网站：你看到的地址只是伪装。
why-bank-risk-caller = 银行、银联和所谓“风控中心”不会打电话说你的账户被冻结、被盗刷或涉嫌洗钱，再在电话里一步步指导你处理。请挂断电话，自己拨打银行卡背面的官方号码核实。
why-bank-risk-transfer = 没有任何银行会让你转账或“做流水”来解除冻结、解除风控或“验资”：你转入的账户就是骗子的。
why-kidnap-claim = 自称扣着你孩子或家人、威胁伤害他们、不许你报警的来电，多半是假绑架诈骗：请挂断，直接联系家人本人或其学校、单位，并拨打110。
why-kidnap-ransom = 通过电话或短信索要“赎金”就是虚假绑架诈骗：不要转账。用你原有的号码联系家人，并立即拨打110报警。
why-lottery-insider = 彩票开奖是随机的，没有人能提前知道号码；交会员费买“内部号码”“包中号码”都是诈骗。
why-romance-invest = 通过“发错消息”或网上认识的陌生人，把你引到他的投资平台，或要你出钱才能来见你，这是“杀猪盘”：页面上的收益是假的，钱进去就出不来。
why-sextortion = 以不雅视频或照片相要挟、不给钱就发给你通讯录的人，是敲诈勒索：给钱只会换来更多要求。不要转账，保留聊天记录，向警方报案。
why-sms-subsidy-link = 补贴、退税和津贴都在官方政务app或办事窗口办理，从不通过短信或邮件里的链接、二维码领取：那个页面要的是你的卡号和验证码。
why-wrong-number-opener = 陌生人“发错消息”后想和你交朋友，是网恋和投资诈骗常见的开场：一旦谈到钱、虚拟币或交易app，就要提高警惕。
why-settle-privately = 来电称你的孩子或孙辈打伤了人、可以"私了"赔钱，是诈骗套路：警方不会撮合私下赔钱。付钱前先自己联系家人和派出所核实。
why-rent-other-account = 房东说自己"在外地"，让你把房租转到他妻子、亲戚或新的账户，可能是冒充者：先打你原有的号码确认再付款。
why-agent-for-relative = 自称替你在国外的丈夫、妻子或孩子办事的人（保险经理、公司、律师）索要家人资料或钱款，身份无法核实：先用你知道的号码联系家人。

