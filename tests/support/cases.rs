//! Seed scam conversations, as the victim would forward the scammer's messages one by one.
//!
//! Written from the two seed news reports (/work/shared/seeds): Kaiping 2022-05-09 (a fake
//! courier's lost-parcel claim; a fake shop's quality-problem refund) and Chongqing 2022-11-25
//! (fake e-commerce customer service, "agent membership" fee).

/// One forwarded conversation.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub name: &'static str,
    /// `sender_user_name` of the hidden forward origin.
    pub scammer: &'static str,
    pub messages: &'static [&'static str],
    /// Index (from 0) of the first message with a hard trigger (by [`has_hard_trigger`]); it
    /// is always one of `warnings`. `usize::MAX` when there is none.
    pub trigger: usize,
    /// The messages that get a warning, exactly, as indices from 0 in ascending order: written
    /// by hand from the scenario (the oracle of `tests/seed_scenarios.rs` and `tests/e2e.rs`,
    /// never computed by the code under test).
    pub warnings: &'static [usize],
    /// No warning may reply to a message before this index: `warnings[0]`, or `usize::MAX`
    /// when the case never warns.
    pub earliest_warning: usize,
}

/// Kaiping ①: lost parcel, WeChat, screen sharing through a QR code, "activate" transfers.
pub const KAIPING_LOST_PARCEL: Case = Case {
    name: "kaiping-lost-parcel",
    scammer: "快递中转站客服",
    messages: &[
        "您好，我是快递中转站的工作人员，您的快递单号为YT2298351146的包裹在运输途中丢失了，现在和商家协商给您理赔。",
        "请您添加我们客服的微信好友，我通过语音通话指导您进行理赔操作。",
        "您扫一下我发的这个二维码，进行画面共享，我一步步教您操作。",
        "您先下载一个手机银行APP，用于接收理赔金额。",
        "您先尝试转账1元钱，用来激活账户。",
        "现在需要再转账9999元用以验证账户是否激活成功，确认成功后会把本金和理赔金一同返还。",
    ],
    trigger: 2,
    // #1 the unsolicited compensation offer, #3 the screen share, #5 and #6 each transfer.
    warnings: &[0, 2, 4, 5],
    earliest_warning: 0,
};

/// Kaiping ②: quality-problem refund, "buyer protection" not enabled, 3000 yuan deposit.
pub const KAIPING_QUALITY_REFUND: Case = Case {
    name: "kaiping-quality-refund",
    scammer: "京东客服",
    messages: &[
        "您好，我是京东客服，您购买的商品因为质量问题已经被退回，现在在线为您办理退货退款。",
        "您的收货地址和快递单号我这边都能查到，包裹迟迟没有送到就是因为被退回仓库了。",
        "系统显示您没有开通买家保障，需要先支付3000元保证金作为押金，待收到退款后会全部返还。",
        "请您尽快把钱转到我发给您的账户，超过半小时退款通道就会自动关闭。",
    ],
    trigger: 2,
    // #1 the refund nobody asked for, #3 the deposit.
    warnings: &[0, 2],
    earliest_warning: 0,
};

/// Chongqing: fake e-commerce service, "upgraded to agent by mistake", monthly fee, "safe
/// account". The agent hook (upgraded by mistake, monthly fee unless cancelled) already
/// warns at its first message, before the "safe account" trigger; the fee and the question
/// about the card's balance stay at that warning.
pub const CHONGQING_AGENT_MEMBERSHIP: Case = Case {
    name: "chongqing-agent-membership",
    scammer: "电商平台客服",
    messages: &[
        "您好，我是电商平台的客服，您的用户名是yang_1987，您上周在我们平台买了一件羊毛大衣，订单号是2022110816734，对吗？",
        "由于我们工作人员操作失误，把您的账号升级成了代理商会员。",
        "如果您不取消代理，每个月就会自动从您的账户里扣除800元代理费。",
        "取消代理之前要先核实您名下银行卡的情况，请问您卡里一共有多少存款？",
        "为了保障您的资金安全，需要先把卡内资金全部转移至安全账户，取消代理后会原路退还给您。",
        "转账的时候电话不要挂断，银行工作人员问起来就说是给家里人转账。",
    ],
    trigger: 4,
    // #2 "upgraded to agent by mistake", #5 the safe account, #6 what to tell the bank.
    warnings: &[1, 4, 5],
    earliest_warning: 1,
};

/// Ordinary messages a user might forward: no scam.
pub const BENIGN: Case = Case {
    name: "benign",
    scammer: "老同学",
    messages: &[
        "周六下午三点在人民公园门口集合，记得带上野餐垫和水。",
        "天气预报说那天可能有小雨，大家最好带把伞。",
    ],
    trigger: usize::MAX,
    warnings: &[],
    earliest_warning: usize::MAX,
};

/// Words that make a message a hard trigger (the contract of the tests, not the bot's rules).
pub const HARD_TRIGGER_WORDS: &[&str] = &[
    "扫码",
    "二维码",
    "画面共享",
    "屏幕共享",
    "共享屏幕",
    "保证金",
    "押金",
    "验证码",
    "安全账户",
    "激活",
];

/// Whether `text` carries a hard trigger by [`HARD_TRIGGER_WORDS`] (or 转账 + 验证).
#[must_use]
pub fn has_hard_trigger(text: &str) -> bool {
    HARD_TRIGGER_WORDS.iter().any(|w| text.contains(w))
        || (text.contains("转账") && text.contains("验证"))
}

/// Runs of at least `min` characters without punctuation: distinctive substrings of a message.
#[must_use]
pub fn distinctive_fragments(text: &str, min: usize) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| s.chars().count() >= min)
        .map(str::to_owned)
        .collect()
}
