# scamguard: English user interface.
# Plain text (no Markdown or HTML): Telegram shows it as written.
# Every key here exists in zh-CN.ftl and zh-TW.ftl too; the tests check it.

## /start, /help, /privacy

start =
    Hi! I help you spot scams while they are happening.

    How to use me: forward me the messages you received (or paste them), or send /check followed by the text. I answer calmly while things look normal, and I warn you at once when something dangerous appears, such as a request to share your screen, install a remote-control app or "transfer money to verify your account".

    Privacy: I never store or log the text of your messages.

    /help shows all commands.

help =
    What I do: I read the messages you forward or paste, follow the conversation, and tell you when it turns into a known scam pattern: fake customer service, fake courier, "refund" or "account problem" stories, screen sharing, remote-control apps, transfers to "verify" or "activate" an account, "safe accounts", verification codes.

    Commands:
    /check TEXT: check one message on its own
    /reset: forget this conversation and start over
    /lang en | zh-CN | zh-TW: choose the language of my answers
    /privacy: what I keep and what I do not

    Forward several messages in a row and I answer once, after the last one. A dangerous message gets a warning immediately.

privacy =
    What I keep: your language choice, and for each warning the ids of the rules that matched, its level, and your "scam / not a scam" answer if you give one. Chat ids are stored only as salted hashes.
    What I never keep: the text of your messages, in the database or in logs.
    The conversation I follow lives only in memory and is forgotten after 30 minutes of silence, or at once with /reset.

## /lang, /reset, /check

lang-usage =
    My answers are in { $current }. Choose another language:
    /lang en (English)
    /lang zh-CN (简体中文)
    /lang zh-TW (繁體中文)
lang-set = Done: I will answer in English from now on.
reset-done = Done: I have forgotten this conversation. Forward the next messages whenever you like.
check-usage = Send /check followed by the text of a message, for example: /check Your parcel was lost, add our WeChat for compensation. You can also reply /check to a message.
check-clean = I found nothing I recognise as a scam in this message. That is not a guarantee: if someone asks you for money, codes or screen sharing, stop and call the official number yourself.
check-caution = Level: { $level }. There are signs of a common scam pattern here, but nothing dangerous on its own yet. Be careful with what comes next.

## Calm answer to a burst of forwarded messages

advice-reply = This reads as anti-fraud advice, and the advice is right: real customer service, banks and police never move you to WeChat, QQ or another app, never ask you to share your screen, install an app, read out a code or move money to a "safe account". Nothing in it asks you to do anything. If someone is asking you to do one of those things right now, forward me their messages.
report-reply = This tells of a scam that happened to someone: I recognise its pattern.
report-advice =
    If it is happening to you or someone close now: stop, hang up, do not pay, scan or share any code, and call the bank on the number printed on the card.
    Money already sent? Call the bank at once to freeze the transfer, then report it to the police.
calm-batch =
    I have looked at { $count ->
        [one] 1 message
       *[other] { $count } messages
    } so far. Level: { $level }. Seen: { $stages }.
calm-no-stages = no sign of a scam yet
calm-watching = I will warn you the moment something dangerous appears.
calm-warned = This conversation already looks like a scam (see my warning above): do not send money, codes or anything else.

chain-pretext = impersonation
chain-hook = a reason to act
chain-channel = moving you elsewhere
chain-control = taking control
chain-extract = asking for money or codes

level-none = nothing suspicious
level-caution = caution
level-warning = warning
level-danger = danger

stage-pretext = someone claiming to be customer service, a courier, a bank or the police
stage-hook = a reason to act now (refund, lost parcel, fee, account problem)
stage-channel = moving you to another app, link or QR code
stage-control = taking control of your phone or computer (screen sharing, remote control)
stage-extract = asking for money, codes or card details

## Warnings

warning-title-warning = ⚠️ WARNING: this looks like a scam.
warning-title-danger = 🚨 DANGER: this is a scam. Stop now.
warning-found = What I found:
warning-finding = • “{ $quote }”: { $stage }
warning-why = Why this is a scam:
warning-todo = What to do now:
warning-advice =
    • Stop: hang up, stop replying, and close any screen-sharing, meeting or remote-control app.
    • Do not transfer money, scan codes, share your screen, install apps or tell anyone a verification code.
    • Call your bank or the platform yourself, on the number printed on your card or on its official website, never a number the other person gave you.
    • Already paid or shared a code? Call your bank now to freeze the card, then report it to the police.
warning-chain = This conversation so far: { $chain }
warning-feedback = Was this warning right? Your answer helps improve the rules.

## Feedback buttons

fb-scam = This is a scam
fb-ok = Not a scam
fb-thanks-scam = Thank you. Stay safe, and do not send anything to them.
fb-thanks-ok = Thank you, noted: this helps me make fewer false alarms.
fb-unknown = This warning is too old to rate.

## Command descriptions (the menu next to the message field)

cmd-start = What this bot does
cmd-help = How to use it
cmd-check = Check one message
cmd-reset = Forget this conversation
cmd-lang = Choose the language
cmd-privacy = What is stored

## Groups

group-hello =
    Hi! I watch this group for scams: fake customer service, screen sharing, "safe accounts", deposits, verification codes and the like.
    Out of the box I warn at level "warning" and delete at "danger". To delete, mute or ban I need to be an admin with the rights "Delete messages" and "Ban users".
    Admins: /settings to change what I do, /help for all commands. Harmless chat never gets a reply from me.
group-help =
    I read every message in this group and act on the ones that look like scams; harmless chat never gets a reply from me.
    For everyone:
    /report (as a reply): ask me to re-check a message; the admins are told
    /status: what I do here
    /stats: what I have done here
    For admins:
    /settings: change what I do, with buttons
    /mode warn | delete | mute | ban | off: what I do from the threshold up
    /threshold warning | danger: the lowest level the mode applies to
    /trust, /untrust (as a reply, or with a user id): never act on that member
    /lang en | zh-CN | zh-TW: the language of my messages here
group-warn-warning =
    ⚠️ Careful: this message looks like a scam. { $why }
    Do not pay, do not share codes or your screen, do not contact the sender privately.
group-warn-danger =
    🚨 Danger: this message is a scam. { $why }
    Do not pay, do not share codes or your screen, do not contact the sender privately.
group-removed = 🚫 I removed a message that was a scam (level: { $level }). { $why }
group-removed-muted = 🚫 I removed a message that was a scam (level: { $level }) and muted the sender for { $minutes } minutes. { $why }
group-removed-banned = 🚫 I removed a message that was a scam (level: { $level }) and banned the sender. { $why }
group-why-unknown = It matches a known scam pattern.
group-no-right-delete = I cannot delete scam messages here: I need the admin right "Delete messages". Until I have it, I only warn.
group-no-right-restrict = I cannot mute or ban here: I need the admin right "Ban users". Until I have it, I only delete or warn.
group-rights = My rights here: delete messages: { $delete }; mute and ban: { $restrict }.
group-demoted = I am no longer an admin here, so I can only warn about scams. Make me an admin with "Delete messages" and "Ban users" to let me act.
group-only = This command works in groups.
not-admin = Only this group's administrators can change my settings.
admin-unverified = I could not check whether you are an admin of this group. Please try again in a minute.
mode-usage = Usage: /mode warn | delete | mute | ban | off. Now: { $mode } from level "{ $threshold }" up.
mode-set = Done: { $mode } from level "{ $threshold }" up; below it I warn.
threshold-usage = Usage: /threshold warning | danger. Now: "{ $threshold }".
threshold-set = Done: { $mode } from level "{ $threshold }" up; below it I warn.
trust-usage = Reply /trust (or /untrust) to a message of that member, or add their numeric user id.
trust-done = Done: I will never act on that member's messages here.
untrust-done = Done: that member's messages are checked like everyone else's again.
trust-unchanged = Nothing to change: that was already so.
group-status =
    Here I do: at "warning": { $warning }; at "danger": { $danger }; a mute lasts { $minutes } minutes.
    Dry run (only tell the admins): { $dry }. Private notes to admins: { $notify }.
    Newcomers (joined less than { $days } days ago, or fewer than { $messages } messages) are judged one level stricter. Trusted members: { $trusted }.
    My rights: delete messages: { $delete }; mute and ban: { $restrict }. Rules loaded: { $rules }.
group-stats = Here so far: { $messages } messages checked, { $warned } warnings, { $deleted } deleted, { $muted } muted, { $banned } banned, { $reports } reports, { $dry } findings in dry run, { $failed } actions that failed.
report-usage = Reply /report to the message you want me to check.
report-limited = You reported several messages just now: please wait a few minutes before the next one.
report-clean = Thanks. I found nothing I recognise as a scam in that message; the admins have been told so they can look too.
report-acted = Thanks: that message is a scam (level: { $level }). I acted on it and told the admins.
notify-done = In “{ $group }” I { $what } (level: { $level }). { $why }
notify-dry = Dry run in “{ $group }”: I would have { $what } (level: { $level }). { $why }
notify-report = A member of “{ $group }” reported a message. My check: level { $level }. { $why }
what-warn = warned about a message
what-delete = deleted a message
what-mute = deleted a message and muted the sender for { $minutes } minutes
what-ban = deleted a message and banned the sender
btn-undo = Undo (unmute / unban)
btn-confirm = Right call
undo-done = Done: the sender can post again. A deleted message cannot be brought back.
undo-failed = I could not undo it: Telegram refused. Check my admin rights in the group.
confirm-done = Thanks, noted.
settings-title = What I do in this group. Tap a button to change it:
settings-warning = At "warning": { $response }
settings-danger = At "danger": { $response }
settings-mute = Mute length: { $minutes } min
settings-dry = Dry run: { $state }
settings-notify = Notify admins privately: { $state }
resp-off = nothing
resp-warn = warn
resp-delete = delete
resp-mute = delete and mute
resp-ban = delete and ban
word-yes = yes
word-no = no
word-on = on
word-off = off
cmd-settings = Group settings (admins)
cmd-mode = What to do with scams (admins)
cmd-threshold = From which level (admins)
cmd-trust = Never act on a member (admins)
cmd-untrust = Check a member again (admins)
cmd-status = What the bot does here
cmd-stats = What the bot has done here
cmd-report = Ask for a re-check of a message
cmd-screenshots = Read the messages in screenshots members post (on / off)
screenshots-usage = Usage: /screenshots on | off. Now: { $state }. When on, I read the messages in screenshots members post and judge them like messages.
screenshots-set = Done: screenshots are { $state } in this group.
screenshots-on = on
screenshots-off = off

quote-qr = QR code in the photo: { $content }
quote-file = file sent: { $content }
quote-link-text = a link whose text shows { $content } but opens another site

## Screenshots (text read in an image)

screenshot-read =
    { $count ->
        [one] I read 1 message in your screenshot.
       *[other] I read { $count } messages in your screenshot.
    }
screenshot-nothing = I found no text in this image. If it is a screenshot of a chat or an SMS, send a sharper one, or copy the messages and send them as text.
screenshot-off = I cannot read screenshots on this server (text recognition is not installed). Please copy the messages and send them as text, or forward them to me.
screenshot-busy = I am reading many images right now and could not read yours. Please send it again in a minute.
screenshot-failed = I could not read this image. Please send it as a photo (JPEG or PNG), or copy the messages and send them as text.
screenshot-limit = You have sent many screenshots in a short time: I read up to { $count } a minute. Please wait a moment, then send the rest.

## rule explanations (one key per rule: rule-<id with dots as dashes>)
why-account-locked = Banks and online services never fix a "blocked" or "suspended" account through a link or a number in a text: the page or the "customer care" line is the scammer's. Open the official app or call the number on your card yourself.
why-account-problem = Claims that your account is abnormal or at risk create panic so you act before you check; look in the official app yourself.
why-ask-password = No bank, shop, school or customer service ever asks for your password or PIN: anyone who does is trying to take over your account, whoever they say they are.
why-borrow-to-transfer = Being told to borrow on Jiebei, Huabei or loan apps and pass the money on is how scammers empty your credit as well as your savings.
why-boss-impersonation = A "manager" who cannot talk and wants an urgent, confidential payment or new bank details is a known fraud: confirm by calling the person on a number you already have.
why-cancel-membership-fee = "You were made an agent or member by mistake and will be charged monthly" is a script: check in the official app, where nothing needs cancelling.
why-cancel-student-loan = Nobody needs to "cancel a campus loan account" to protect your credit record: that story leads to borrowing and transferring money.
why-card-mule = Lending, selling or mailing your bank cards, phone cards or security keys, or opening new ones for someone, lets criminals move stolen money through your name: you become part of the crime and your accounts are frozen. No lender or employer needs your cards.
why-card-password = Nobody legitimate asks for your card number together with your password or PIN.
why-card-phishing = No real bank, insurer or carrier asks you to type your card number, password or ID on a web page from a message; those details go straight to the scammer.
why-coached-lie = Being told what to say if the bank or the police ask is the clearest sign of a scam: nobody honest needs you to lie to the people who would stop the transfer. Hang up and tell the bank the truth.
why-credit-repair = Nobody can erase records from your credit report for a fee: credit repair offers are scams.
why-crypto-doubling = Nobody gives away crypto for crypto sent to them, and "connect / validate your wallet" pages drain it: every coin you send or approve is lost.
why-crypto-profit = Coins sold by strangers with promises of doubling are usually worthless tokens or fake exchanges; you will not be able to sell or withdraw.
why-crypto-wallet = Crypto sent to an address someone gives you cannot be reversed or traced back; buying coins through a contact is how these scams take the money.
why-customs-fee = A parcel or gift "held at customs" that you must pay to release is a common scam story; real customs duty is paid through the courier or platform, not to a person.
why-deposit-before-shipping = A seller who wants a deposit or full payment by private transfer before shipping, and then new fees, is collecting money for goods that do not exist.
why-download-app = Being told to install an app by a stranger is how scammers get a meeting, screen-sharing or fake banking app onto your phone.
why-easy-money-job = Jobs that pay a lot for a few taps on your phone are how task and rebate scams recruit victims; real employers never ask you to pay in.
why-fake-authority = Police, tax offices and courts do not demand immediate payment by text or phone, threaten instant arrest, or accept gift cards or crypto: it is a pressure tactic.
why-fake-cs-intro = An unexpected call from "customer service" who knows your order is a classic opening: your order data was leaked, that does not prove who they are.
why-fake-fraud-team = Scammers pose as your bank's fraud team to sound protective; a real fraud team never needs your codes, your password or your money moved. Hang up and call the number on your card.
why-fake-investment-testimonial = Glowing stories of tiny deposits turning into huge withdrawals are written by the scammers themselves to lure you to their fake platform or "mentor".
why-fake-order = A big order that needs you to buy from their "designated supplier" or advance money is a fake-order scam: the supplier is the scammer.
why-fake-platform = Investment apps and sites sent by a contact are often fakes that show invented profits; the balance on the screen is not money you can take out.
why-fake-renewal = The surprise invoice for an expensive renewal is fake: the "refund" line is how they get onto your computer and into your banking.
why-fake-tech-support = Microsoft, Apple and Amazon never call or text to say your device is infected: the fake technician wants remote access to your computer and your bank account.
why-freeze-threat = Threats to freeze your accounts or arrest you unless you comply are pressure tactics; real authorities send written notices, not phone threats.
why-gambling = Online betting sites pushed by a contact are rigged; you win small amounts at first, then the account is frozen when you try to withdraw.
why-gambling-withdraw = "Not enough turnover", "irregular bets" or a deposit to unlock your winnings are excuses: the site never intended to pay out.
why-gift-card-payment = No tax office, police force, company or employer takes payment in gift cards: once you share the numbers on the back, the money is gone and cannot be traced.
why-guaranteed-profit = No real investment can guarantee profit or promise you cannot lose; "guaranteed returns" is how fraudsters get you to send money to a platform they control.
why-guaranteed-returns = No real investment guarantees daily or doubled returns: the profits on screen are fake, and withdrawals are blocked until you pay more.
why-insider-tip = Strangers do not share genuine insider information; "inside news" is used to rush you into depositing on a fake platform.
why-invest-more = Being pushed to invest more and more, especially after a first small profit, is the core of investment fraud: the "profit" was bait for a bigger deposit.
why-investment-mentor = Stock "teachers" and trading groups full of happy members are staged: the group leads you to a fake platform where your deposit can never be withdrawn.
why-leader-claim = Scammers pose as your boss or an official to order urgent transfers: confirm in person or by a known phone number first.
why-leader-secrecy = "Don't tell my parents" keeps you from checking the story with the very people who would know it is false.
why-loan-card-error = "Your card number was wrong so the loan is frozen" is a script: a frozen loan that needs an unfreezing fee does not exist.
why-loan-fee-first = A real lender never asks for money before lending: fees, deposits or proof of funds paid first are lost.
why-loan-offer = Unsolicited loan offers that need an app, a chat or your card details usually end in fees before any loan is paid.
why-meeting-app = Scammers use meeting apps to watch your screen while "guiding" you: real staff and police do not handle refunds or cases in a video meeting.
why-million-guarantee = The "million-yuan protection" that must be closed to avoid fees does not exist: it is an excuse to take you through transfers.
why-new-number = A new number or "I can't talk now" before a money request is the classic impersonation: call back the number you already know.
why-off-platform-trade = Moving a purchase to WeChat or a direct transfer removes the platform's buyer protection; scammers do this so the money cannot be recovered.
why-offplatform-chat = Scammers move you to WeChat, QQ or another chat app so the platform can no longer see, warn or refund: real customer service stays on the platform.
why-overseas-job = A well-paid job abroad that needs no skills (typing, "customer service" in Myanmar, Cambodia or elsewhere in Southeast Asia), with the ticket and the border crossing arranged for you, is how people are trafficked into scam compounds, where they are held and forced to defraud others.
why-parcel-fee = Couriers do not text you to pay a small redelivery or customs fee through a link: the tiny payment is a trick to collect your card details.
why-parcel-lost-claim = Lost-parcel claims are handled in the shopping app and paid back the original way, never through chat apps, apps to install or transfers.
why-pay-on-my-behalf = A boss, relative or friend whose own payment is "blocked", "limited" or "frozen", or who is abroad or in a meeting, and who asks you to pay someone else or advance the money for them, is an impersonator: the money they say they sent, or will pay back, never arrives. Call them on the number you already have before paying.
why-platform-loophole = There is no secret loophole or winning pattern on a betting or trading platform; the "loophole" story leads you to deposit on a site the scammer controls.
why-police-call = Police, prosecutors and courts do not handle cases by phone, QQ or video, and never ask for money: hang up and call 110 yourself.
why-police-crime-claim = "Your identity is involved in a crime" is the opening of the fake-police scam: fear is used to make you obey and keep quiet.
why-police-secrecy = Being told to keep it secret and stay alone cuts you off from the people who would tell you it is a scam.
why-police-warrant = Real warrants are never sent by QQ, links or websites to look up: an online "warrant" is a forgery.
why-premium-callback = The number to call is premium-rate: the call itself is what you pay, and they keep you on the line as long as they can.
why-prize-claim = Prize-claim links collect your personal and bank details; check with the official organiser through its official channels instead.
why-prize-fee = A real prize never costs money to collect; a prize that needs tax, a fee or postage paid first does not exist.
why-prize-you-won = You cannot win a draw you never entered: the "prize" exists only to make you call an expensive number or hand over your personal and bank details.
why-pyramid = Earnings from recruiting a downline, entry fees and level rewards are the marks of a pyramid scheme: it pays old members with new members' money and collapses.
why-pyramid-recruit = Income that comes from recruiting new members (a downline) who each pay to join is a pyramid scheme: what you earn is the newcomers' losses, and it collapses, with your joining fee, once recruiting slows.
why-qr-receive-money = You never scan a code to receive money: scanning a stranger's code pays them or opens a fake page.
why-recharge-to-withdraw = A platform that wants more money before you can withdraw is not holding your money at all: every "one more recharge" or "stuck order" is a new payment to the scammer.
why-recovery-scam = "Recovery experts" who promise to get scammed money back for a fee are the same scam again, aimed at people who already lost money.
why-refund-claim-form = Real tax refunds and government payments are paid automatically or through the official website; a text with a claim link is a form to steal your card and bank details.
why-refund-overpayment = The "we refunded you too much, send back the difference" story is staged: they moved your own money between your accounts, and what you send back is real.
why-relative-claim = Scammers pose as relatives, classmates or teachers: ask something only the real person would know, or call them back.
why-relative-trouble = Stories of a fight, an arrest, a hospital bill or being stranded abroad are used to rush you into paying before you can check.
why-remote-app = Remote-control and screen-mirroring apps hand your phone to the other side: they can read codes and move your money themselves.
why-reply-is-contract = Replying to an offer you never asked for, or calling the number in it, can be taken as your order and sign you up to a paid subscription or premium-rate service you never wanted: do not reply and do not call.
why-reseller-fee = Agent fees, stock orders and paid upgrades are where reseller schemes make their money; the "buyers" who appear are often planted.
why-romance-investment = An online friend or partner who turns the talk to a money-making platform is the classic "pig-butchering" scam: the relationship exists to get your deposit.
why-romance-money = Someone you only know online who declares love and then needs money (an illness, a ticket, a debt, a fee) is running a romance scam: the money does not come back and the requests grow. Insist on a video call and never send money to someone you have not met.
why-safe-account = There is no "safe account": police, courts and banks never ask you to move money anywhere to protect it or check it.
why-screen-share = No real service needs to see your screen: with screen sharing the scammer reads your SMS codes and watches your banking app.
why-seed-phrase = Your seed phrase is your wallet: anyone who gets it can take everything, and no support team, airdrop or validation ever needs it.
why-seller-activation-fee = Sellers never pay a deposit, activation or guarantee fee to receive a buyer's money; this fee is the scam.
why-seller-frozen-payment = On second-hand platforms a buyer's payment never needs the seller to scan a code, open a link or "activate" anything: that link leads to fake customer service.
why-send-credentials = No bank, Apple, PayPal or wallet asks you to send your password, PIN, CVV or card number by message: whoever receives them can empty the account.
why-sms-callback-link = The message wants you to act through its own number or link; check with the company through its official app or website instead.
why-sms-link = Messages that something expired or is abnormal and must be fixed through a link are phishing: use the official app or number, never the link in the message.
why-task-brushing = Paid "likes", "follows" or fake orders are the bait of task scams: the first small tasks pay out so that you trust the bigger ones, which you must pay for yourself.
why-task-job-scam = Real jobs do not pay for liking videos or require a deposit or "recharge" to work or to withdraw your pay: each deposit is lost.
why-task-prepay = In task scams you pay for the "order" first and are promised your money back plus commission; after a few small rounds the money stops coming back.
why-tell-code = A verification code is the key to your account or payment: whoever asks you to read it out can take your money.
why-too-cheap = Prices far below market through an "inside channel" or "seized goods" are bait to get a payment outside any platform.
why-transfer-to-stranger = Paying into an account a caller gives you cannot be reversed: check who owns it through a channel you already trust.
why-transfer-to-verify = No account is ever "activated" or "verified" by sending money: the money you send is simply gone, and the next step asks for more.
why-unknown-link = Links and QR codes sent by strangers lead to fake pages that steal card numbers and codes, or to payment screens.
why-unsolicited-order-cancel = A message about an order or subscription you never placed, with a link or number "to cancel it", is bait: the page or the "support agent" is the scammer's. Check your orders yourself in the shop's own app or website.
why-unsolicited-refund = Real refunds are started by the buyer and go back the original way; a stranger offering compensation is setting up a transfer.
why-upfront-fee = A deposit, fee or "unfreezing" charge before a refund, payout or loan is the scam itself: real refunds and loans never cost money up front.
why-urgent-money = Urgent requests to send money, especially to someone else's account, should be checked by calling the person on a number you already have.
why-ussd-code = Codes that start with * and end with # change phone settings: some forward your calls and SMS codes to the scammer. Never dial one you got from a stranger.
why-withdraw-fee = A real platform deducts any fee from your balance; demanding a tax, fee or deposit before a withdrawal means the money will never come out.
why-withdraw-stall = "The platform is under maintenance" or "your withdrawal is under review, just wait" once you try to take money out is what fake platforms say when your money can no longer come out: do not pay in anything more, and report it.
why-link-brand-mismatch = The message names a well-known company, but its link goes to a different website. Companies send you only to their own domain: open the official app or type the address yourself.
why-link-lookalike = The link's domain imitates a well-known company's name (an extra word, a swapped letter or a digit for a letter): it is not that company's website.
why-link-brand-subdomain = The company's name stands at the front of the link, but the site is the part before the first single slash, and that belongs to someone else.
why-link-punycode = The link's address uses look-alike letters from other alphabets, so it can show a familiar name while going to a different site.
why-link-ip-host = The link goes to a bare number address instead of a company's name: real services never send you there.
why-link-userinfo = Everything before the "@" in this link is decoration: the browser goes to the site after it.
why-link-shortener = A short link hides where it goes. Do not open short links in unexpected messages.
why-link-apk = The link downloads an Android app file from outside the app store; scammers use such apps to read your codes and control your phone.
why-link-risky-tld = The link ends in a cheap new domain ending that text-message scams use a lot; real companies rarely send those.
why-qr-meeting = This QR code opens a video meeting or a screen-sharing / remote-control app (Tencent Meeting, Zoom, DingTalk, AnyDesk, ToDesk…). "Customer service" uses it to watch your screen while you open your bank app and read out codes. Do not scan it.
why-qr-payment = This QR code is for paying or transferring money. A refund or a compensation never needs you to pay first: do not scan it to pay.
why-qr-app = This QR code installs an app from outside the app store. Such apps can read your messages and codes and let someone control your phone.
why-qr-group = This QR code adds you to a chat group or a contact on another app, where scammers continue out of sight.
why-file-apk = This file is an Android app sent in a chat. Installing apps from strangers gives them your messages, codes and screen.
why-file-exe = This file is a program. Running programs sent by strangers can give them control of your computer and your bank account.
why-link-text-elsewhere = The link shows one website's address but opens another one: the address you see is a disguise.
why-bank-risk-caller = Banks, UnionPay and "risk-control centres" do not call to say your account is frozen, stolen from or tied to money laundering and then walk you through fixing it on the phone. Hang up and call the number on the back of your card yourself.
why-bank-risk-transfer = No bank lifts a freeze or "risk control", or checks your funds, by having you transfer money or make a "turnover": the account you pay into belongs to the scammer.
why-kidnap-claim = Callers who say they hold your child or partner, threaten them and forbid you to call the police are usually lying: hang up, call your relative or their school or workplace directly, and call the police (110).
why-kidnap-ransom = A ransom demand by phone or text is the fake-kidnapping scam: do not pay. Reach your relative on a number you already have, and call the police (110) at once.
why-lottery-insider = Lottery draws are random: nobody knows the numbers in advance, and "inside" or "guaranteed" numbers sold for a membership fee are a scam.
why-romance-invest = A stranger met by a "wrong number" or online who steers you to their trading platform, or needs money to visit you, is running a romance investment scam: the profits shown are fake and the money cannot come out.
why-sextortion = Threats to send an intimate video or photos to your contacts unless you pay are extortion: paying only brings more demands. Do not pay, keep the messages, and report it to the police.
why-sms-subsidy-link = Subsidies, tax refunds and allowances are claimed in the official government app or at the office, never through a link or QR code in a text or e-mail: the page asks for your card number and codes.
why-wrong-number-opener = A "sorry, wrong number" text from a stranger who wants to stay friends is a common opening of romance and investment scams: be wary once money, crypto or a trading app comes up.
why-settle-privately = A call that says your child or grandchild hurt someone and offers to "settle it privately" for money is a scam script: the police do not broker private payments. Call your relative and the police station yourself before paying anyone.
why-rent-other-account = A landlord who is "away" and asks for the rent to go into his wife's, a relative's or a new account may be an impersonator: confirm on the number you already have before paying.
why-agent-for-relative = Someone who says they act for your husband, wife or child abroad (an insurer, their company, a lawyer) and asks for their details or for money is unverified: call your relative on the number you know first.

