//! Probes: scam messages and their honest look-alikes, written for this test from how each scam
//! family works (no corpus text), one or two per family and language. Every scam probe must
//! reach `warning`; every honest probe must stay below it. They run without `../shared/corpus`,
//! so CI checks the shape of detection even where the corpus is absent.

use std::path::Path;

use scamguard::engine::{Engine, Level};

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    Engine::load_dir(&dir).unwrap_or_else(|e| panic!("rules do not load:\n{e}"))
}

/// (family, message): each must be `warning` or `danger`.
const SCAMS: &[(&str, &str)] = &[
    // Fake customer service.
    (
        "cs",
        "您好，我是抖音商城售后，您买的面霜检测出质量问题，我们给您三倍赔偿，请添加理赔专员QQ办理。",
    ),
    (
        "cs",
        "您好，您开通了百万保障服务，明天开始每月扣费680元，如需关闭请下载会议软件，我指导您操作。",
    ),
    (
        "cs",
        "这边是平台客服，您的学生账号被开通了校园贷，不注销会影响征信，需要您把额度借出来转到我们的验证账户。",
    ),
    (
        "cs",
        "亲，您在我们店拍的衣服快递丢件了，给您双倍理赔，您打开支付宝备用金，按我说的一步步操作就能到账。",
    ),
    // Impersonated police and government.
    (
        "police",
        "我是市公安局刑侦大队的，你的身份证涉嫌一起洗钱案，现在要对你的资金进行清查，不要告诉任何人。",
    ),
    (
        "police",
        "这里是检察院，你名下账户涉嫌违法，请把资金转入国家安全账户配合调查，查清后会全额退还。",
    ),
    // Loans and credit.
    (
        "loan",
        "您的贷款已审批通过，但银行卡号填写错误导致资金被冻结，需缴纳3000元解冻金后才能放款。",
    ),
    (
        "loan",
        "征信有逾期记录可以帮你修复，交2000元手续费，保证三天内消除不良记录。",
    ),
    // Task and rebate brushing.
    (
        "brush",
        "兼职刷单，日结三五百，先垫付买单，完成任务后返还本金加佣金，连续做三单奖励翻倍。",
    ),
    (
        "brush",
        "你的任务还差最后一单才能提现，系统提示需要再充值8800元完成联单，完成后本金佣金一起返还。",
    ),
    // Investment and pig butchering.
    (
        "invest",
        "老师带单，内部消息稳赚不赔，今天跟着我们在这个平台充值，日收益百分之十五。",
    ),
    (
        "pig",
        "亲爱的，我舅舅在博彩平台做技术，发现了系统漏洞，稳赚不亏，你先充一万试试，我教你操作。",
    ),
    // Crypto and gambling.
    (
        "crypto",
        "加入我们的USDT搬砖项目，每天收益稳定百分之五，先把币转到这个钱包地址就能开始。",
    ),
    (
        "gamble",
        "你的账户中奖了但提现失败，系统检测到流水不足，需要再充值5000元激活提现通道。",
    ),
    // Impersonated boss and relatives.
    (
        "boss",
        "我是王总，这是我的新号码。我在开会不方便接电话，有个合作方的款要急着付，你先转20万到这个账户。",
    ),
    (
        "relative",
        "妈，我手机掉水里了，这是同学的号。我在外面出了点事急需用钱，你别告诉爸，先转五千到这张卡上。",
    ),
    // Fake shopping and second-hand trade.
    (
        "trade",
        "你在闲鱼买的东西我这边发不了，你加我微信私下交易，先付500元保证金我就发货。",
    ),
    (
        "trade",
        "您的买家已付款，但您的店铺未开通保证金服务，资金被冻结，需要先缴纳保证金才能解冻收款。",
    ),
    // Prize and lottery.
    (
        "prize",
        "恭喜您被抽中二等奖，奖品是苹果手机一部，领取前需要先支付300元手续费和个人所得税。",
    ),
    // English: refund, parcel, tech support, gift cards, bank lock, prize, crypto.
    (
        "en-refund",
        "We have issued you a refund of $399.99 by mistake. Please download AnyDesk so our agent can reverse the transfer.",
    ),
    (
        "en-parcel",
        "Royal Mail: your parcel is held due to an unpaid customs fee of 2.99 GBP. Pay now at royalmail-redelivery-fee.com",
    ),
    (
        "en-tech",
        "Microsoft security alert: your computer is infected. Call our support line now and install TeamViewer so a technician can fix it.",
    ),
    (
        "en-gift",
        "I need you to buy four Google Play gift cards of $200 each for a client, scratch the back and send me the codes. Keep it quiet.",
    ),
    (
        "en-bank",
        "Your bank account has been locked due to suspicious activity. Verify your identity within 24 hours at secure-bank-verify.net or it will be closed.",
    ),
    (
        "en-prize",
        "URGENT! You have won a 2,000 cash prize. To claim call 09061701461 now. Claim code KL341. Valid 12 hours only.",
    ),
    (
        "en-crypto",
        "Elon Musk giveaway: send 0.1 BTC to this wallet address and receive 0.2 BTC back instantly. Limited time only!",
    ),
    (
        "en-code",
        "This is your bank's fraud team. To stop the suspicious payment, read me the verification code we just sent to your phone.",
    ),
];

/// (what it is, message): honest messages close to a scam; each must stay below `warning`.
const HONEST: &[(&str, &str)] = &[
    (
        "real refund",
        "您好，您申请的退款已审核通过，款项将在1到3个工作日内原路退回您的支付账户。",
    ),
    (
        "real parcel",
        "您的快递已到小区驿站，取件码8-2-1103，请在18点前凭取件码领取。",
    ),
    (
        "real cs",
        "亲，这个商品有七天无理由退货，您在订单页面申请售后就可以了，运费我们承担。",
    ),
    (
        "real bank",
        "【某银行】您尾号1234的账户于10:21支出人民币56.00元，余额3,210.55元。",
    ),
    (
        "real code",
        "【某平台】验证码482913，用于登录验证，5分钟内有效，请勿泄露给他人。",
    ),
    (
        "real meeting",
        "明天上午十点项目例会，大家用腾讯会议，我来共享屏幕讲一下进度。",
    ),
    (
        "family money",
        "妈，这个月工资发了，给你转了两千，你买点好吃的，别舍不得。",
    ),
    (
        "friend loan",
        "上次借你的五百块我今天还你了，微信转你了，记得查收。",
    ),
    (
        "broker",
        "本季度公司营收同比增长百分之十二，我们维持买入评级，目标价上调到35元。",
    ),
    (
        "police notice",
        "警方提醒：公检法机关不会通过电话办案，更没有所谓的安全账户，请勿向陌生人转账。",
    ),
    (
        "real job",
        "您好，您投递的前端开发岗位已通过初筛，请于周三下午两点到公司参加面试。",
    ),
    (
        "real shop",
        "本店新品上架，全场满200减30，欢迎进店选购，退订回T。",
    ),
    (
        "en refund",
        "Your refund of $25.00 has been processed to your original payment method.",
    ),
    (
        "en parcel",
        "Your parcel has been delivered to your safe place: front porch. Thanks for shopping with us.",
    ),
    (
        "en code",
        "Your verification code is 482913. Never share this code with anyone, including our staff.",
    ),
    (
        "en meeting",
        "Can you share your screen in the standup tomorrow so we can all see the dashboard?",
    ),
    (
        "en friend",
        "Hey, can you send me the money for the concert tickets when you get a chance? It was 45 each.",
    ),
    (
        "en bank",
        "Reminder: your credit card statement is ready. Log in to the app to view it.",
    ),
];

/// The probes of `list` for which `wrong` holds, described for the failure message.
fn wrong_ones(list: &[(&str, &str)], wrong: impl Fn(Level) -> bool) -> Vec<String> {
    let e = engine();
    list.iter()
        .filter_map(|(what, text)| {
            let scan = e.scan(text);
            wrong(scan.level).then(|| {
                let ids: Vec<&str> = scan.findings.iter().map(|f| f.rule.id.as_str()).collect();
                format!(
                    "{what}: {:?} (score {}) {ids:?}\n    {text}",
                    scan.level, scan.score
                )
            })
        })
        .collect()
}

#[test]
fn every_scam_probe_warns() {
    let missed = wrong_ones(SCAMS, |level| level < Level::Warning);
    assert!(
        missed.is_empty(),
        "scam probes below warning:\n{}",
        missed.join("\n")
    );
}

#[test]
fn no_honest_probe_warns() {
    let flagged = wrong_ones(HONEST, |level| level >= Level::Warning);
    assert!(
        flagged.is_empty(),
        "honest probes at warning or above:\n{}",
        flagged.join("\n")
    );
}
