//! Probes for the scam families of fake kidnapping, sextortion, prize fees, bank risk-control
//! calls, Chinese phishing texts, English "wrong number" romance, and for the
//! verification-code request trigger. Every message below was written for this test from how
//! the scam works (no corpus text); the expected outcome of each was decided by hand from the
//! scenario.
//!
//! Single messages are judged the way `/check` judges one text (`policy::check`): a scam
//! probe must get a warning, an honest look-alike must not. Conversations are fed message by
//! message through `Conversation` and judged by `policy::private`, as in a private chat.

use std::path::Path;
use std::time::Duration;

use scamguard::conversation::{Conversation, ConversationConfig, Timestamp};
use scamguard::engine::{Engine, Level};
use scamguard::policy::{self, Action};

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

/// Whether `/check` on `text` answers with a warning.
fn warns(e: &Engine, text: &str) -> bool {
    policy::check(&e.scan(text))
        .iter()
        .any(|a| matches!(a, Action::Warn { .. }))
}

fn describe(e: &Engine, text: &str) -> String {
    let scan = e.scan(text);
    let ids: Vec<&str> = scan.findings.iter().map(|f| f.rule.id.as_str()).collect();
    format!(
        "{:?} (score {}) {ids:?}\n    {text}",
        scan.level, scan.score
    )
}

/// Every text of `scams` must warn and no text of `honest` may.
fn judge(scams: &[&str], honest: &[&str]) {
    let e = engine();
    let missed: Vec<String> = scams
        .iter()
        .filter(|t| !warns(&e, t))
        .map(|t| describe(&e, t))
        .collect();
    let flagged: Vec<String> = honest
        .iter()
        .filter(|t| warns(&e, t))
        .map(|t| describe(&e, t))
        .collect();
    assert!(
        missed.is_empty() && flagged.is_empty(),
        "scams without a warning:\n{}\nhonest messages with a warning:\n{}",
        missed.join("\n"),
        flagged.join("\n")
    );
}

/// Each text must reach exactly `level` on its own.
fn all_at(texts: &[&str], level: Level) {
    let e = engine();
    let wrong: Vec<String> = texts
        .iter()
        .filter(|t| e.scan(t).level != level)
        .map(|t| describe(&e, t))
        .collect();
    assert!(wrong.is_empty(), "not {level:?}:\n{}", wrong.join("\n"));
}

/// Feeds `messages` into one private conversation, one a minute, and returns the 1-based
/// numbers of the messages the bot warns on.
fn conversation_warnings(e: &Engine, messages: &[&str]) -> Vec<usize> {
    let config = ConversationConfig::default();
    let mut conv = Conversation::new();
    let mut now = Timestamp(1_700_000_000_000);
    let mut warned = Vec::new();
    for (i, text) in messages.iter().enumerate() {
        let assessment = conv.observe(&e.scan(text), now, &config);
        if policy::private(&assessment)
            .iter()
            .any(|a| matches!(a, Action::Warn { .. }))
        {
            warned.push(i + 1);
        }
        now = now.plus(Duration::from_secs(60));
    }
    warned
}

#[test]
fn fake_kidnapping() {
    judge(
        &[
            "你儿子现在在我们手上，不许报警，马上准备三十万，不然就撕票。",
            "你女儿被我们绑了，想要她平安回家，一小时内把二十万打到我给你的银行卡上。",
            "听好了，你老公欠了我们老板的钱，人现在在我们手里，敢报警你就等着收尸吧。",
            "您孩子在我们这里，别挂电话也别告诉任何人，先转五万块过来，听到他的声音再说。",
            "你儿子在我这里，想要他活命就马上拿二十万过来，不许报警。",
            "你儿子欠了我们老板的钱，人现在被我们扣着，今天不还五万就别想走。",
        ],
        &[
            "据报道，警方成功解救一名被绑架的男孩，两名犯罪嫌疑人已被抓获，绑匪曾索要赎金五十万元。",
            "你儿子在我家玩呢，吃完晚饭我送他回去，别担心。",
            "警方提醒：接到自称你孩子被绑架、要求转账的电话，先联系孩子本人，这是诈骗。",
            "这部电影讲的是一个父亲的女儿被绑架后独自营救的故事，挺好看的。",
            "钥匙在我手上，你回家前给我打个电话，我给你送过去。",
            "你儿子在我这里写作业呢，晚点我送他回去。",
        ],
    );
}

#[test]
fn sextortion() {
    judge(
        &[
            "你刚才裸聊的视频我全程录屏了，不想让你老婆和同事看到，就转一万块过来。",
            "你的不雅视频已经在我这，24小时内不付五千元，我就群发给你通讯录里所有人。",
            "别装了，你的裸照我都有，你单位领导的电话我也查到了，给钱就删除，否则马上曝光。",
            "哥哥，加我这个app跟我一对一视频，我脱给你看，下载链接发你了。",
            "你和那个女的开房视频我们都拍下来了，不想让你老婆和单位知道，就转三万过来。",
            "有人出钱买你一条腿，想破财消灾就往这个卡号打两万。",
        ],
        &[
            "民警提醒：陌生人邀请裸聊后以曝光视频相要挟，是敲诈勒索，不要转账，请立即报警。",
            "会议我录屏了，等会发给没参加的同事。",
            "婚礼视频剪好了，发你朋友圈了，摄影费五百元我转给你了。",
            "周末一起视频通话吧，让爸妈也看看孩子。",
            "这部电影里有人出钱雇杀手，结局挺意外的。",
        ],
    );
}

#[test]
fn prize_and_lottery_fees() {
    judge(
        &[
            "恭喜您被抽中本期二等奖，奖金十八万元，按规定需先缴纳百分之二十的税款，我们才能发放奖金。",
            "您好，您在节目中被选为场外幸运观众，获得现金大奖，领奖前需要先交三千元公证费到指定账户。",
            "你快递里的刮刮卡中了一等奖，奖品是一辆轿车，需要先付一万二的手续费才能给你办理领奖。",
            "您已确认领奖却不交保证金，属于违约，我们将委托律师起诉您，请尽快缴纳保证金领取奖品。",
            "我们有双色球内部号码，交两千会员费，每期包中，稳赚不赔。",
        ],
        &[
            "【中国体育彩票】第24123期大乐透开奖号码：03 12 18 25 33 + 04 09，详情请查看官方网站。",
            "恭喜！你上周买的彩票中了五块钱，哈哈，请你喝奶茶。",
            "公司年会抽奖我抽中了二等奖，是一台扫地机器人，奖品下周发。",
            "中奖者的个人所得税由主办方代扣代缴，领奖无需支付任何费用。",
        ],
    );
}

#[test]
fn bank_risk_control_calls() {
    judge(
        &[
            "您好，我是银联风控中心的，您的银行卡涉嫌洗钱即将被冻结，需要把卡内资金转到安全账户进行核查。",
            "这边是银行风控部，您的账户被风控了，需要往我们提供的账户转一笔钱做流水才能解除风控。",
            "我是建设银行客服，系统监测到您的信用卡在外地被盗刷，为了验资，请把余额转到这个核查账户。",
            "您好这里是银行反洗钱中心，您的卡涉嫌非法交易，稍后会收到一条验证码，请报给我帮您解除。",
        ],
        &[
            "【某银行】您尾号1234的账户于10:21支出人民币56.00元，余额3,210.55元。",
            "【某银行】您的账户涉嫌可疑交易已暂停非柜面交易，请持本人身份证到网点办理。",
            "我是去银行办业务的，排了好久的队，你先吃饭吧。",
            "银行提醒：银行工作人员不会要求您将资金转入所谓的安全账户，谨防诈骗。",
        ],
    );
}

#[test]
fn chinese_phishing_texts() {
    judge(
        &[
            "【ETC服务】您的ETC认证已失效，将影响通行，请登录 etc-renzheng.top 重新认证。",
            "【社保局】您有一笔社保补贴2600元待领取，请点击链接 http://sb-butie.cn/lq 登记银行卡领取。",
            "您的企业邮箱容量已满，将于今日停用，请点击链接验证账号：http://mail-upgrade.xyz/login",
            "【交通违法】您的车辆有一条未处理违章，请点击 http://jg-wz.cc/cx 查看并缴纳罚款，逾期加倍。",
            "您的手机号实名认证未通过，将于24小时内停机，请点击链接 http://sm-renzheng.top 重新认证。",
        ],
        &[
            "【12306】您购买的G123次列车车票已出票，请在12306app中查看。",
            "个税退税请在个人所得税app中申请，谨防陌生链接。",
            "您的快递已到小区驿站，取件码8-2-1103，请凭取件码领取。",
            "医保电子凭证可以在国家医保服务平台app激活，不要点陌生链接。",
        ],
    );
}

/// A request to hand over a code just received is `danger` on its own; the code message
/// itself, a notice not to share it and a person saying they got one ask nothing.
#[test]
fn verification_code_requests_are_hard_triggers() {
    all_at(
        &[
            "请把手机上收到的验证码告诉我，我这边帮您操作。",
            "你好，麻烦报一下刚刚短信里的六位动态码。",
            "一会儿会有个校验码发到你手机上，你念给我听一下就行。",
            "把你收到的短信码发我，我帮你登录。",
            "This is your bank's security team. Please read me the 6-digit code we just sent to your phone.",
            "Tell me the code we texted you so I can stop the payment.",
            "Send me the verification code you received.",
            "What's the code you just got by SMS?",
        ],
        Level::Danger,
    );
    let e = engine();
    let warned: Vec<String> = [
        "我收到了验证码，这是正常的吗？",
        "【某平台】您的验证码是605218，5分钟内有效，请勿告诉他人。",
        "您的验证码是605218，5分钟内有效。",
        "验证码我收到了，要发给你吗？",
        "Your verification code is 381204. Never share this code with anyone.",
        "I got a code by text just now, is that normal?",
        "Can you send me the zip code for the new office?",
    ]
    .iter()
    .filter(|t| warns(&e, t))
    .map(|t| describe(&e, t))
    .collect();
    assert!(
        warned.is_empty(),
        "code statements with a warning:\n{}",
        warned.join("\n")
    );
}

#[test]
fn wrong_number_opener_alone_never_warns() {
    judge(
        &[
            "To withdraw your profit you must first pay the 20% tax to the platform before release.",
            "My uncle is an analyst and taught me to trade gold futures. Download the app, deposit 1000 to start and I will guide you.",
            "Honey I want to come see you but customs are holding my bags, can you send me 800 in gift cards?",
            "I made 40% this month on the platform my mentor uses. Start with 500 USDT, I will show you how, you will thank me later.",
        ],
        &[
            "Sorry, wrong number! Meant to text my sister about dinner.",
            "Hi, is this Anna? Oh sorry, wrong number, have a nice day!",
            "Oops, I think I texted the wrong person, please ignore.",
            "My uncle lost a lot on bitcoin last year, he says never again.",
        ],
    );
}

#[test]
fn wrong_number_romance_warns_at_the_money_move() {
    let e = engine();
    let scam = [
        "Hello, is this not Linda? We were supposed to meet for tea today.",
        "Oh sorry, I must have the wrong number. You seem nice though, maybe it's fate. Can we be friends?",
        "I'm Grace, I run a small boutique in Singapore. What do you do for work?",
        "That sounds tiring. My uncle is a financial analyst, he taught me to trade gold on a trading app, I made 3000 this week.",
        "You should try it too. Register on the platform, deposit 500 to start and I will guide you step by step.",
    ];
    let warned = conversation_warnings(&e, &scam);
    assert_eq!(
        warned.first().copied(),
        Some(5),
        "the first warning comes with the first money move (message 5), not before: {warned:?}"
    );

    let honest = [
        "Hi, is this Anna? Happy birthday!",
        "Sorry, wrong number! I'm not Anna.",
        "Oh no, sorry to bother you. Have a nice day!",
        "No problem, you too.",
    ];
    assert_eq!(conversation_warnings(&e, &honest), Vec::<usize>::new());
}
