from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_003(MlmarketCheck):
    rule_id = "CKV_MLM_003"


check = CKV_MLM_003()
