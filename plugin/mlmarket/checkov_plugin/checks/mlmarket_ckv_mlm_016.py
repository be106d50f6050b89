from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_016(MlmarketCheck):
    rule_id = "CKV_MLM_016"


check = CKV_MLM_016()
