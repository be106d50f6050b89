from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_006(MlmarketCheck):
    rule_id = "CKV_MLM_006"


check = CKV_MLM_006()
