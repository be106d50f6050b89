from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_011(MlmarketCheck):
    rule_id = "CKV_MLM_011"


check = CKV_MLM_011()
