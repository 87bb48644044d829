"""The default zh-Hans texts of the five letters, in the words of official 公文 (docs/letters.md).

They seed `LetterTemplate` (the data migration, and again after a flush from `reference_data_ensure`); from then
on the administrator's edits rule and these are never written over them. Plain strings keyed by the kind's value,
so that the migration can import them without loading the app's models.
"""

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "reminder": {
        "title": "关于催促办理12345热线工单的通知",
        "body": (
            "你单位承办的下列12345热线工单（共${ticket_count}件）已超出或即将超出办理时限，至今尚未办结：\n"
            "${ticket_list}\n"
            "请你单位接此通知后立即组织办理，按规定答复群众，并于${response_due}前将办理情况书面反馈。\n"
            "${remarks}\n"
            "逾期仍未办结的，将按规定提级督办。"
        ),
    },
    "escalation": {
        "title": "关于督促办理12345热线工单的督办函",
        "body": (
            "${case_summary}。该问题已于${case_opened}列入督办，现为${tier}。\n"
            "根据12345热线督办工作有关规定，现予督办。请你单位高度重视，明确责任人，${requirement}，"
            "不得推诿、拖延。\n"
            "请于${response_due}前将办理情况书面反馈。\n"
            "${remarks}\n"
            "逾期未反馈或仍未办结的，将提级督办，并视情移送纪委监委。"
        ),
    },
    "warning": {
        "title": "关于12345热线办理工作的预警函",
        "body": (
            "根据${period}12345热线办理工作考核结果，你单位服务指数为${service_index}分，"
            "在同类单位（${group}，共${group_size}家）中排名第${rank}位，排名靠后。\n"
            "其中，按时响应率${response_rate}，按时办结率${on_time_rate}，及时反馈率${feedback_rate}，"
            "满意率${satisfaction_rate}。\n"
            "现予预警。请你单位认真查找问题，制定整改措施，切实提升办理质效，"
            "并于${response_due}前将整改情况书面反馈。\n"
            "${remarks}"
        ),
    },
    "interview": {
        "title": "关于约谈单位主要负责同志的通知",
        "body": (
            "${reason}。经研究，决定对你单位主要负责同志进行约谈。现将有关事项通知如下：\n"
            "一、约谈时间：${interview_time}\n"
            "二、约谈地点：${interview_place}\n"
            "三、参加人员：${attendees}\n"
            "四、需携带材料：${materials}\n"
            "请准时参加，不得无故缺席或委托他人代替。如有特殊情况，请于${response_due}前书面说明。\n"
            "${remarks}"
        ),
    },
    "referral": {
        "title": "关于移送12345热线工单问题线索的函",
        "body": (
            "经查，12345热线工单${tickets}存在以下问题：${referral_reason}。\n"
            "根据有关规定，现将该问题线索及卷宗移送你委，请依规依纪依法处理，并将处理结果反馈我办。\n"
            "随函移送《${dossier_title}》，涉及工单${ticket_count}件，共${pages}页，内容包括：\n"
            "${dossier_contents}\n"
            "${remarks}"
        ),
    },
}
